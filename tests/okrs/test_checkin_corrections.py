"""Correcting a wrong check-in: a new entry supersedes the latest one, history stays, and every
reader of "the value" (the key result, My week, the chart, the 周报) follows the correction."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from okr.checkins.services import correct_checkin, latest_checkins, record_checkin, weekly_values
from okr.db import local_date, utcnow
from okr.domain.periods import week_start
from okr.extensions import db
from okr.objectives.models import CheckIn, KeyResult, Objective
from okr.team.weekly import WeekColumn, weekly_table
from tests.factories import Quarter, build_quarter
from tests.helpers import HTMX, field_error, flashes, form_values, row_html, snapshot, text

REASON = "多打了一个0"


@pytest.fixture
def q(make_department, make_person) -> Quarter:
    return build_quarter(make_department, make_person)


@pytest.fixture
def wrong(q: Quarter) -> CheckIn:
    """张玥 typed 500000 where 50000 was meant."""
    checkin = record_checkin(q.traffic, "500000", "on_track", "外链上线", q.seo, None)
    db.session.commit()
    return checkin


def correct_url(kr: KeyResult, checkin: CheckIn, back: str | None = None) -> str:
    url = f"/week/key-results/{kr.id}/check-ins/{checkin.id}/correct"
    return f"{url}?back={back}" if back else url


def fix(value="50000", confidence="at_risk", note="外链上线", reason=REASON, back=None):
    data = {"value": value, "confidence": confidence, "note": note, "reason": reason}
    return data | ({"back": back} if back else {})


def log() -> list[CheckIn]:
    db.session.expire_all()
    return list(db.session.scalars(select(CheckIn).order_by(CheckIn.id)))


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


# Correcting --------------------------------------------------------------------------------


def test_the_owner_corrects_the_latest_check_in_and_both_stay_in_the_history(
    client, login, q, wrong
):
    client = login(q.seo)
    page = client.get(correct_url(q.traffic, wrong))
    assert page.status_code == 200
    assert "<html" in page.get_data(as_text=True)
    assert form_values(page)["value"] == "500000" and "外链上线</textarea>" in text(page)
    assert form_values(page)["confidence"] == "on_track"

    response = client.post(correct_url(q.traffic, wrong), data=fix())

    assert response.status_code == 303
    assert response.headers["Location"] == f"/okrs/key-results/{q.traffic.id}#checkin-log"
    first, correction = log()
    assert first.id == wrong.id and first.value == Decimal(500000)  # never rewritten
    assert (correction.corrects_id, correction.reason, correction.author_id) == (
        wrong.id,
        REASON,
        q.seo.id,
    )
    assert (correction.value, correction.confidence, correction.week) == (
        Decimal(50000),
        "at_risk",
        wrong.week,  # it stands for the week of what it corrects
    )
    kr = fresh(KeyResult, q.traffic.id)
    assert (kr.current, kr.confidence, kr.progress) == (Decimal(50000), "at_risk", Decimal("0.5"))
    assert kr.last_checkin_at == wrong.created_at  # a correction is not a new check-in
    assert fresh(Objective, q.mine.id).progress == Decimal("0.3")  # 50% of a 60% key result
    assert fresh(Objective, q.company.id).progress == Decimal("0.3")

    body = text(client.get(f"/okrs/key-results/{q.traffic.id}"))
    assert "Correction saved: 自然流量." in body
    superseded = body[body.index(f'<tr id="checkin-{wrong.id}" class="superseded">') :]
    superseded = superseded[: superseded.index("</tr>")]
    assert "<del>500000次</del>" in superseded
    assert ">Corrected</span> 张玥, " in superseded
    corrected = body[body.index(f'<tr id="checkin-{correction.id}">') :]
    corrected = corrected[: corrected.index("</tr>")]
    assert "50000次" in corrected and "<del>" not in corrected
    assert ">Correction</span> Corrects the check-in of " in corrected
    assert "(500000次): 多打了一个0" in corrected
    # only the newest entry, the correction, can be corrected in its turn
    assert body.count("Correct this check-in") == 1
    assert correct_url(q.traffic, correction) in corrected


@pytest.mark.parametrize("who", ["lead", "boss", "admin"])
def test_the_management_chain_and_hr_may_correct(client, login, q, wrong, admin, who):
    corrector = admin if who == "admin" else getattr(q, who)

    response = login(corrector).post(correct_url(q.traffic, wrong), data=fix())

    assert response.status_code == 303
    assert log()[-1].author_id == corrector.id


@pytest.mark.parametrize("who", ["peer", "other_lead"])
def test_a_peer_or_another_teams_manager_is_refused_and_nothing_changes(
    client, login, q, wrong, who
):
    before = snapshot("check_in", "key_result", "objective")
    client = login(getattr(q, who))

    assert client.get(correct_url(q.traffic, wrong)).status_code == 403
    assert client.post(correct_url(q.traffic, wrong), data=fix()).status_code == 403
    assert client.post(correct_url(q.traffic, wrong), data=fix(), headers=HTMX).status_code == 403
    assert snapshot("check_in", "key_result", "objective") == before
    assert "Correct this check-in" not in text(client.get(f"/okrs/key-results/{q.traffic.id}"))


def test_anonymous_is_sent_to_sign_in(client, q, wrong):
    response = client.post(correct_url(q.traffic, wrong), data=fix())
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert len(log()) == 1


def test_a_check_in_of_another_key_result_is_404(client, login, q, wrong):
    other = correct_url(q.pages, wrong)
    assert login(q.seo).post(other, data=fix()).status_code == 404


def test_only_the_latest_check_in_can_be_corrected(client, login, q, wrong):
    record_checkin(fresh(KeyResult, q.traffic.id), "51000", "on_track", "", q.seo, None)
    db.session.commit()
    client = login(q.seo)

    page = client.get(correct_url(q.traffic, wrong))
    refused = client.post(correct_url(q.traffic, wrong), data=fix(), headers=HTMX)

    assert page.status_code == 200 and "no longer the latest" in text(page)
    assert 'name="reason"' not in page.get_data(as_text=True)
    assert refused.status_code == 422 and "no longer the latest" in text(refused)
    assert [c.corrects_id for c in log()] == [None, None]


def test_a_correction_can_itself_be_corrected(client, login, q, wrong):
    client = login(q.seo)
    assert client.post(correct_url(q.traffic, wrong), data=fix(value="5000")).status_code == 303
    first_fix = log()[-1]

    again = client.post(correct_url(q.traffic, first_fix), data=fix(value="50000", reason="还是错"))

    assert again.status_code == 303
    assert [(c.value, c.corrects_id) for c in log()] == [
        (Decimal(500000), None),
        (Decimal(5000), wrong.id),
        (Decimal(50000), first_fix.id),
    ]
    assert fresh(KeyResult, q.traffic.id).current == Decimal(50000)
    assert latest_checkins([q.traffic.id])[q.traffic.id].value == Decimal(50000)


# Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (fix(reason=""), "correction-reason", "Say what was wrong"),
        (fix(value=""), "correction-value", "Enter the right value."),
        (fix(value="-5"), "correction-value", "a number of 次 cannot be below zero"),
        (fix(value="5万x"), "correction-value", "number"),
        (
            fix(value="500000", confidence="on_track"),
            "correction-value",
            "This is what the check-in says already",
        ),
        (fix(confidence="great"), "correction-confidence", ""),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_input_is_422_beside_the_field_with_what_was_typed_kept(
    client, login, q, wrong, data, field, message, htmx
):
    response = login(q.seo).post(
        correct_url(q.traffic, wrong), data=data, headers=HTMX if htmx else {}
    )

    assert response.status_code == 422
    assert ("<html" in response.get_data(as_text=True)) is not htmx
    assert message.lower() in field_error(response, field).lower()
    if field != "correction-confidence":
        assert field_error(response, field)
    assert form_values(response)["value"] == data["value"]
    assert len(log()) == 1


def test_a_closed_cycle_takes_no_correction(client, login, q, wrong):
    q.cycle.status = "closed"
    db.session.commit()

    response = login(q.seo).post(correct_url(q.traffic, wrong), data=fix())

    assert response.status_code == 422
    assert "while the cycle runs and during its review" in text(response)
    assert len(log()) == 1


def test_the_form_is_in_both_languages(client, login, q, wrong):
    q.seo.locale = "zh"
    db.session.commit()

    response = login(q.seo).post(correct_url(q.traffic, wrong), data=fix(reason=""))

    assert response.status_code == 422
    assert field_error(response, "correction-reason") == "请说明错在哪里；原因会和更正一起保存。"
    assert "更正" in text(response)


# With htmx ---------------------------------------------------------------------------------


def test_from_the_key_result_page_the_form_opens_above_the_log_and_saving_reloads(
    client, login, q, wrong
):
    client = login(q.seo)
    page = client.get(f"/okrs/key-results/{q.traffic.id}").get_data(as_text=True)
    url = correct_url(q.traffic, wrong)
    link = re.search(rf'<a class="correct-link small" href="{re.escape(url)}"[^>]*>', page)
    assert link and f'hx-target="#correction-kr-{q.traffic.id}"' in link.group(0)
    assert f'<div id="correction-kr-{q.traffic.id}"></div>' in page

    opened = client.get(url, headers=HTMX)
    body = opened.get_data(as_text=True)
    assert opened.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(
        f'<section class="card correction" id="correction-kr-{q.traffic.id}"'
    )
    assert f'hx-post="{url}"' in body and f'action="{url}"' in body
    assert f'hx-target="#correction-kr-{q.traffic.id}"' in body

    refused = client.post(url, data=fix(reason=""), headers=HTMX)
    assert refused.status_code == 422
    assert refused.get_data(as_text=True).lstrip().startswith('<section class="card correction"')

    saved = client.post(url, data=fix(), headers=HTMX)
    assert saved.status_code == 200
    assert saved.headers["HX-Redirect"] == f"/okrs/key-results/{q.traffic.id}"
    assert log()[-1].corrects_id == wrong.id


def test_from_my_week_the_row_opens_the_form_and_comes_back_saved(client, login, q, wrong):
    client = login(q.seo)
    week = client.get("/week/").get_data(as_text=True)
    url = correct_url(q.traffic, wrong, back="week")
    row = row_html(week, q.traffic)
    assert f'href="{url}"' in row and f'hx-get="{url}"' in row
    assert "Correct this check-in" not in row_html(week, q.pages)  # nothing to correct yet

    opened = client.get(url, headers=HTMX)
    body = opened.get_data(as_text=True)
    assert opened.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(f'<div class="kr-row" id="kr-{q.traffic.id}">')
    assert 'class="correction-form"' in body and 'class="checkin-form"' not in body
    assert (
        f'hx-target="#kr-{q.traffic.id}"' in body
        and 'name="back" type="hidden" value="week"' in body
    )

    saved = client.post(correct_url(q.traffic, wrong), data=fix(back="week"), headers=HTMX)

    assert saved.status_code == 200
    body = saved.get_data(as_text=True)
    assert body.lstrip().startswith(f'<div class="kr-row saved" id="kr-{q.traffic.id}">')
    assert "50000次" in body and "Correction" in body
    for objective in (q.mine, q.department, q.company):
        assert f'id="objective-progress-{objective.id}" hx-swap-oob="true"' in body
    event = json.loads(saved.headers["HX-Trigger"])["okr:progress-changed"]
    assert event["key_result"] == q.traffic.id
    # the row offers the correction of the correction, the newest entry now
    assert correct_url(q.traffic, log()[-1], back="week") in body


def test_from_my_week_without_javascript_it_is_a_page_and_a_redirect_back(client, login, q, wrong):
    client = login(q.seo)
    page = client.get(correct_url(q.traffic, wrong, back="week"))
    assert "<html" in page.get_data(as_text=True)
    assert form_values(page)["back"] == "week"

    response = client.post(correct_url(q.traffic, wrong), data=fix(back="week"))

    assert response.status_code == 303
    assert response.headers["Location"] == f"/week/?cycle={q.cycle.id}#kr-{q.traffic.id}"
    assert "Correction saved: 自然流量." in flashes(client.get(response.headers["Location"]))


# Readers of the log follow the correction ---------------------------------------------------


def test_the_weekly_report_and_the_chart_show_the_corrected_value_in_its_week(app, q):
    last_week = utcnow() - timedelta(days=7)
    record_checkin(
        q.traffic, "45000", "on_track", "", q.seo, None, now=last_week - timedelta(hours=1)
    )
    wrong = record_checkin(q.traffic, "460000", "on_track", "", q.seo, None, now=last_week)
    db.session.commit()
    correct_checkin(q.traffic, wrong, "46000", "on_track", "", REASON, q.lead)
    db.session.commit()
    monday = week_start(local_date(last_week))
    this_monday = week_start(local_date(utcnow()))

    report = weekly_table(
        q.cycle, [q.seo.id], WeekColumn(this_monday, this_monday, this_monday, "")
    )
    (row,) = [r for r in report.rows if r.kr_id == q.traffic.id]
    values = dict(zip((w.monday for w in report.weeks), row.values, strict=True))

    assert values[monday] == Decimal(46000)  # not 460000, nor the earlier 45000
    assert values.get(this_monday) is None  # a correction is not this week's check-in
    assert row.latest == Decimal(46000) and row.progress == Decimal("0.3")
    assert [value for _day, value in weekly_values(q.traffic.id)] == [Decimal(46000)]
    assert latest_checkins([q.traffic.id])[q.traffic.id].value == Decimal(46000)


def test_the_team_weekly_page_shows_the_corrected_value(client, login, q, wrong):
    correct_checkin(fresh(KeyResult, q.traffic.id), wrong, "50000", "at_risk", "", REASON, q.seo)
    db.session.commit()

    body = login(q.lead).get(f"/team/weekly?cycle={q.cycle.id}").get_data(as_text=True)

    row = body[body.index(f'id="weekly-kr-{q.traffic.id}"') :]
    row = row[: row.index("</tr>")]
    assert "500000" not in row and "50000" in row


def test_a_correction_of_last_weeks_value_leaves_this_week_due(client, login, q):
    wrong = record_checkin(
        q.traffic, "500000", "on_track", "", q.seo, None, now=utcnow() - timedelta(days=8)
    )
    db.session.commit()
    client = login(q.seo)

    assert client.post(correct_url(q.traffic, wrong), data=fix()).status_code == 303

    row = row_html(text(client.get("/week/")), q.traffic)
    assert "Not checked in this week" in row and "50000次" in row


def test_the_key_result_page_query_count_stays_flat_with_corrections(
    client, login, q, wrong, count_queries
):
    client = login(q.lead)
    with count_queries() as small:
        assert client.get(f"/okrs/key-results/{q.traffic.id}").status_code == 200
    checkin = wrong
    for n in range(5):
        kr = fresh(KeyResult, q.traffic.id)
        checkin = correct_checkin(kr, checkin, str(50000 + n), "on_track", "", REASON, q.lead)
        db.session.commit()
    with count_queries() as large:
        body = client.get(f"/okrs/key-results/{q.traffic.id}").get_data(as_text=True)

    assert large.count == small.count, large.statements
    assert body.count('class="superseded"') == 5


def test_a_superseded_value_never_shows_whatever_the_clocks_say(app, q, wrong):
    """Servers' clocks differ a little: a correction stamped before what it corrects still wins."""
    early = wrong.created_at - timedelta(minutes=1)
    correct_checkin(q.traffic, wrong, "50000", "at_risk", "", REASON, q.lead, now=early)
    db.session.commit()
    monday = wrong.week

    report = weekly_table(q.cycle, [q.seo.id], WeekColumn(monday, monday, monday, ""))

    (row,) = [r for r in report.rows if r.kr_id == q.traffic.id]
    assert row.values[-1] == Decimal(50000)
    assert [value for _day, value in weekly_values(q.traffic.id)] == [Decimal(50000)]
