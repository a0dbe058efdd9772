"""My week: my key results on one page, inline check-ins with htmx or a plain form, access, staleness."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from okr.checkins.services import record_checkin
from okr.cycles.models import Cycle
from okr.db import local_date, utcnow
from okr.domain.cadence import checkin_period
from okr.domain.periods import week_start
from okr.errors import StaleEdit
from okr.extensions import db
from okr.objectives.models import CheckIn, KeyResult, Objective
from tests.factories import Quarter, build_quarter, cycle_row
from tests.helpers import (
    check_in_url,
    field_error,
    flashes,
    form_values,
    post,
    row_html,
    snapshot,
    text,
)


@pytest.fixture
def q(make_department, make_person) -> Quarter:
    return build_quarter(make_department, make_person)


def checkins() -> list[CheckIn]:
    db.session.expire_all()
    return list(db.session.scalars(select(CheckIn).order_by(CheckIn.id)))


# The page --------------------------------------------------------------------------------


def test_my_week_groups_my_key_results_with_last_value_note_and_author(client, login, q):
    record_checkin(q.traffic, "50000", "at_risk", "外链进度慢", q.lead, q.traffic.version)
    db.session.commit()

    response = login(q.seo).get("/week/")

    assert response.status_code == 200
    body = text(response)
    assert body.index(q.mine.title) < body.index(q.traffic.title) < body.index(q.pages.title)
    assert body.index(q.pages.title) < body.index(q.launch.title) < body.index(q.milestone.title)
    row = row_html(body, q.traffic)
    assert "50000次" in row and "40000次 → 60000次" in row
    assert '<span class="pct">50%</span>' in row and "At risk" in row
    assert "“外链进度慢”" in row and "李喆" in row
    assert f'href="/okrs/key-results/{q.traffic.id}"' in row
    # each objective's progress and each objective it rolls up to, once, by id
    for objective in (q.mine, q.launch, q.department, q.company):
        assert body.count(f'id="objective-progress-{objective.id}"') == 1
    assert "赵敏" not in body


def test_rows_not_checked_in_this_week_are_marked(client, login, q):
    record_checkin(q.traffic, "50000", "on_track", "", q.seo, q.traffic.version)
    eight_days_ago = utcnow() - timedelta(days=8)
    record_checkin(q.pages, "150", "on_track", "", q.seo, q.pages.version, now=eight_days_ago)
    db.session.commit()

    body = text(login(q.seo).get("/week/"))

    assert "Not checked in this week" not in row_html(body, q.traffic)
    assert 'class="kr-row due"' not in row_html(body, q.traffic)
    for stale_kr in (q.pages, q.milestone):
        assert "Not checked in this week" in row_html(body, stale_kr)
    assert "2 key results not checked in this week" in body


def test_each_row_has_an_htmx_form_with_a_plain_action_and_value_first(client, login, q):
    body = login(q.seo).get("/week/").get_data(as_text=True)

    row = row_html(body, q.traffic)
    url = check_in_url(q.traffic)
    assert f'action="{url}"' in row and 'method="post"' in row
    assert f'hx-post="{url}"' in row
    assert f'hx-target="#kr-{q.traffic.id}"' in row and 'hx-swap="outerHTML"' in row
    assert f'name="version" value="{q.traffic.version}"' in row
    names = re.findall(r'<(?:input|select|button)[^>]*?(?:name="(\w+)"|type="submit")', row)
    visible = [n for n in names if n not in ("csrf_token", "version")]
    assert visible == [
        "value",
        "confidence",
        "note",
        "",
    ]  # value first; the button submits on Enter
    assert "<textarea" not in row  # Enter in the note submits too
    # the cursor starts in the first key result still to check in this week
    assert body.count("autofocus") == 1
    (value_input,) = re.findall(r"<input[^>]*autofocus[^>]*>", row)
    assert f'id="kr-{q.traffic.id}-value"' in value_input


def test_empty_state_when_i_have_no_key_results(client, login, q):
    body = text(login(q.peer).get("/week/"))

    assert 'id="week-empty"' in body
    assert "No key results to check in for 2026 Q4" in body
    assert f"/okrs/people/{q.peer.id}?cycle={q.cycle.id}" in body
    assert "checkin-form" not in body


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("planning", "Check-ins open when the cycle starts running"),
        ("closed", "This cycle is closed"),
    ],
)
def test_closed_check_ins_say_why_instead_of_the_form(client, login, q, status, reason):
    q.cycle.status = status
    db.session.commit()

    body = text(login(q.seo).get("/week/"))

    assert 'id="checkins-closed"' in body and reason in body
    assert "checkin-form" not in body
    assert reason in row_html(body, q.traffic)


def test_reviewing_cycle_still_takes_final_values(client, login, q):
    q.cycle.status = "reviewing"
    db.session.commit()

    body = login(q.seo).get("/week/").get_data(as_text=True)

    assert "checkin-form" in row_html(body, q.traffic)


def test_cycle_switcher_shows_another_cycle_and_defaults_to_the_current(client, login, q):
    earlier = cycle_row("2026 Q3", date(2026, 7, 1), date(2026, 9, 30), "closed")
    old = Objective(cycle_id=earlier.id, level="individual", title="Q3 旧目标", owner_id=q.seo.id)
    db.session.add(old)
    db.session.flush()
    db.session.add(KeyResult(objective_id=old.id, title="Q3 外链", kind="at_least", target=5))
    db.session.commit()
    client = login(q.seo)

    current = text(client.get("/week/"))
    switched = text(client.get(f"/week/?cycle={earlier.id}"))

    assert q.traffic.title in current and "Q3 外链" not in current
    assert "Q3 外链" in switched and q.traffic.title not in switched
    assert f'<option value="{earlier.id}" selected>' in switched
    assert 'action="/week/"' in switched


def test_no_cycle_at_all(client, login, make_person):
    response = login(make_person()).get("/week/")
    assert response.status_code == 200
    assert "No cycle yet" in text(response)


def test_anonymous_is_sent_to_sign_in(client, q):
    response = client.get("/week/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# Checking in -----------------------------------------------------------------------------


def test_htmx_check_in_swaps_the_row_and_updates_progress_out_of_band(client, login, q):
    response = post(login(q.seo), q.traffic, "50,000", "on_track", "外链上线")

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert body.lstrip().startswith(f'<div class="kr-row saved" id="kr-{q.traffic.id}">')
    assert "Saved" in body and "Not checked in this week" not in body
    for objective in (q.mine, q.department, q.company):
        assert re.search(
            rf'<span class="progress[^"]*" id="objective-progress-{objective.id}" hx-swap-oob="true">',
            body,
        )
    assert f'id="objective-progress-{q.launch.id}"' not in body
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["okr:progress-changed"]["key_result"] == q.traffic.id
    assert set(trigger["okr:progress-changed"]["objectives"]) == {
        q.mine.id,
        q.department.id,
        q.company.id,
    }
    assert "HX-Request" in response.headers["Vary"]

    (checkin,) = checkins()
    assert (checkin.value, checkin.confidence, checkin.note) == (
        Decimal(50000),
        "on_track",
        "外链上线",
    )
    assert checkin.author_id == q.seo.id
    kr = db.session.get(KeyResult, q.traffic.id)
    assert (kr.current, kr.progress, kr.last_note) == (Decimal(50000), Decimal("0.5"), "外链上线")
    # 50% of a 60% key result; the department and the company follow their children
    assert db.session.get(Objective, q.mine.id).progress == Decimal("0.3")
    assert db.session.get(Objective, q.department.id).progress == Decimal("0.3")
    assert db.session.get(Objective, q.company.id).progress == Decimal("0.3")
    for objective in (q.mine, q.department, q.company):
        oob = body[body.index(f'id="objective-progress-{objective.id}"') :]
        assert oob[: oob.index("</span>\n</span>")].endswith('<span class="pct">30%')
    # the returned row carries the new version, so the next check-in goes through
    assert f'name="version" value="{kr.version}"' in body
    assert post(client, kr, "52000").status_code == 200
    assert len(checkins()) == 2


def test_plain_post_without_javascript_redirects_back_with_303(client, login, q):
    client = login(q.seo)
    response = post(client, q.traffic, "45000", htmx=False)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/week/?cycle={q.cycle.id}#kr-{q.traffic.id}"
    page = client.get(f"/week/?cycle={q.cycle.id}")
    assert "Check-in saved: 自然流量." in flashes(page)
    assert len(checkins()) == 1


@pytest.mark.parametrize("who", ["lead", "boss"])
def test_the_management_chain_may_check_in_for_a_report(client, login, q, who):
    manager = getattr(q, who)
    response = post(login(manager), q.traffic, "48000", "at_risk", "替张玥更新")

    assert response.status_code == 200
    (checkin,) = checkins()
    assert checkin.author_id == manager.id
    assert manager.name in response.get_data(as_text=True)
    # without JavaScript a manager lands on the key result's page
    response = post(client, db.session.get(KeyResult, q.traffic.id), "49000", htmx=False)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/okrs/key-results/{q.traffic.id}#kr-{q.traffic.id}"


@pytest.mark.parametrize("who", ["peer", "other_lead"])
@pytest.mark.parametrize("htmx", [True, False])
def test_wrong_users_are_refused_and_nothing_changes(client, login, q, who, htmx):
    before = snapshot("check_in", "key_result", "objective")
    client = login(getattr(q, who))

    assert post(client, q.traffic, "59000", htmx=htmx).status_code == 403
    assert client.get(check_in_url(q.traffic)).status_code == 403
    assert snapshot("check_in", "key_result", "objective") == before


@pytest.mark.parametrize("htmx", [True, False])
def test_anonymous_check_in_is_refused_and_nothing_changes(client, q, htmx):
    before = snapshot("check_in", "key_result", "objective")

    response = post(client, q.traffic, "59000", htmx=htmx)

    if htmx:  # the whole window goes to sign in, not a sign-in page swapped into the row
        assert response.status_code == 401 and "/login" in response.headers["HX-Redirect"]
    else:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert snapshot("check_in", "key_result", "objective") == before


def test_missing_key_result_is_404(client, login, q):
    assert login(q.seo).post("/week/key-results/999999/check-in", data={}).status_code == 404


# Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [("五万", "number"), ("", "Enter the new value."), ("12..5", "number")],
)
def test_invalid_value_is_422_beside_the_field_with_what_was_typed_kept(
    client, login, q, value, message
):
    response = post(login(q.seo), q.traffic, value, "at_risk", "外链 <b>慢</b>")

    assert response.status_code == 422
    assert "<html" not in response.get_data(as_text=True)
    error = field_error(response, f"kr-{q.traffic.id}-value")
    assert message.lower() in error.lower()
    values = form_values(response)
    assert values["value"] == value
    assert values["note"] == "外链 <b>慢</b>"
    assert values["confidence"] == "at_risk"
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert checkins() == []


def test_invalid_value_without_javascript_is_a_full_page_with_the_message(client, login, q):
    response = post(login(q.seo), q.traffic, "abc", note="我的备注", htmx=False)

    assert response.status_code == 422
    assert "<html" in response.get_data(as_text=True)
    assert field_error(response, f"kr-{q.traffic.id}-value")
    assert form_values(response)["note"] == "我的备注"
    assert checkins() == []


def test_milestone_takes_only_done_or_not_done(client, login, q):
    client = login(q.seo)

    refused = post(client, q.milestone, "2")
    assert refused.status_code == 422
    assert "done (1) or not done (0)" in field_error(refused, f"kr-{q.milestone.id}-value")
    assert checkins() == []

    done = post(client, q.milestone, "1")
    assert done.status_code == 200
    assert db.session.get(Objective, q.launch.id).progress == Decimal(1)
    assert f'id="objective-progress-{q.launch.id}" hx-swap-oob="true"' in done.get_data(
        as_text=True
    )


def test_unknown_confidence_is_refused_beside_its_field(client, login, q):
    response = post(login(q.seo), q.traffic, "50000", confidence="great")

    assert response.status_code == 422
    assert field_error(response, f"kr-{q.traffic.id}-confidence")
    assert checkins() == []


def test_check_in_in_a_closed_cycle_is_refused(client, login, q):
    q.cycle.status = "closed"
    db.session.commit()

    response = post(login(q.seo), q.traffic, "50000")

    assert response.status_code == 422
    assert "This cycle is closed" in text(response)
    assert checkins() == []


# Two people, one key result --------------------------------------------------------------


def test_stale_check_in_is_refused_showing_the_newer_one_and_keeping_mine(client, login, q):
    opened = q.traffic.version  # 张玥 opens My week
    assert post(login(q.lead), q.traffic, "52000", "at_risk", "李喆的更新").status_code == 200

    response = post(login(q.seo), q.traffic, "41000", "on_track", "我的备注", version=opened)

    assert response.status_code == 422
    body = text(response)
    assert "<html" not in body
    assert "Someone checked in on this key result after you opened the page" in body
    row = row_html(body, q.traffic)
    assert "52000次" in row and "李喆的更新" in row and "李喆" in row
    values = form_values(response)
    assert (values["value"], values["note"]) == ("41000", "我的备注")
    db.session.expire_all()
    current = db.session.get(KeyResult, q.traffic.id)
    assert values["version"] == str(current.version) != str(opened)
    assert [c.value for c in checkins()] == [Decimal(52000)]

    # sending it again records it, as the newest value
    again = post(client, current, "41000", "on_track", "我的备注")
    assert again.status_code == 200
    assert [c.value for c in checkins()] == [Decimal(52000), Decimal(41000)]


def test_a_save_between_our_read_and_our_write_is_stale_not_lost(app, q):
    kr = db.session.get(KeyResult, q.traffic.id)
    seen = kr.version
    # another request commits in between: the row's version moves on under us
    db.session.execute(
        update(KeyResult)
        .where(KeyResult.id == kr.id)
        .values(version=KeyResult.version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(StaleEdit):
        record_checkin(kr, "50000", "on_track", "", q.seo, seen)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_single_check_in_page_for_a_key_result(client, login, q):
    response = login(q.lead).get(check_in_url(q.traffic))

    assert response.status_code == 200
    body = text(response)
    assert "<html" in body and f'id="kr-{q.traffic.id}"' in body
    assert f'id="objective-progress-{q.mine.id}"' in body


# Query counts ----------------------------------------------------------------------------


def add_people_with_checkins(q: Quarter, make_person, count: int) -> None:
    """More colleagues with objectives, key results and check-ins, and more of my own."""
    now = utcnow()
    for n in range(count):
        person = make_person(manager=q.lead)
        for owner in (person, q.seo):
            objective = Objective(
                cycle_id=q.cycle.id,
                level="individual",
                title=f"目标 {n}",
                owner_id=owner.id,
                parent_id=q.department.id,
            )
            db.session.add(objective)
            db.session.flush()
            for k in range(3):
                kr = KeyResult(
                    objective_id=objective.id,
                    title=f"KR {n}.{k}",
                    kind="at_least",
                    target=Decimal(100),
                    weight=Decimal(0),
                    current=Decimal(20),
                    confidence="at_risk",
                    last_note="第2周",
                    last_checkin_at=now,
                )
                db.session.add(kr)
                db.session.flush()
                db.session.add_all(
                    CheckIn(
                        key_result_id=kr.id,
                        value=Decimal(10 * week),
                        confidence="at_risk",
                        note=f"第{week}周",
                        author_id=owner.id,
                        created_at=now - timedelta(days=7 * (2 - week)),
                        week=week_start((now - timedelta(days=7 * (2 - week))).date()),
                    )
                    for week in range(3)
                )
    db.session.commit()


def test_my_week_query_count_does_not_grow_with_the_data(
    client, login, q, make_person, count_queries
):
    client = login(q.seo)
    add_people_with_checkins(q, make_person, 2)
    with count_queries() as small:
        assert client.get("/week/").status_code == 200

    add_people_with_checkins(q, make_person, 6)
    with count_queries() as large:
        body = client.get("/week/").get_data(as_text=True)

    assert body.count('class="checkin-form"') == 3 + 3 * 8  # mine grew too
    assert large.count == small.count, large.statements


def test_three_check_ins_a_month_count_from_the_start_of_the_dekad(client, login, q):
    db.session.execute(update(Cycle).values(checkin_cadence="dekad"))
    period = checkin_period("dekad", local_date(utcnow()))
    began = datetime.combine(period.start, time(0, 30), tzinfo=ZoneInfo("Asia/Shanghai"))
    db.session.execute(update(KeyResult).values(last_checkin_at=began - timedelta(hours=1)))
    db.session.execute(
        update(KeyResult).where(KeyResult.id == q.traffic.id).values(last_checkin_at=began)
    )
    db.session.commit()
    body = text(login(q.seo).get("/week/"))
    assert "Check-ins: Three times a month (1st–10th, 11th–20th, 21st–end)" in body
    assert "not checked in this period" in body and "this week" not in body
    assert "Not checked in this period" not in row_html(body, q.traffic)
    assert "Not checked in this period" in row_html(body, q.pages)
