"""A key result's page: definition, progress explained, weekly chart, paginated check-in log, access."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from okr.checkins.services import record_checkin
from okr.domain.periods import week_start
from okr.extensions import db
from okr.key_results.page import LOG_PAGE_SIZE
from okr.objectives.models import CheckIn, KeyResult, Objective
from tests.factories import Quarter, build_quarter
from tests.helpers import text

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def q(make_department, make_person) -> Quarter:
    return build_quarter(make_department, make_person)


def at(day: int, hour: int = 2) -> datetime:
    """A moment in October 2026 (UTC; 02:00 UTC is 10:00 in Shanghai, the same day)."""
    return datetime(2026, 10, day, hour, tzinfo=UTC)


def url(kr: KeyResult, **args: int) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/okrs/key-results/{kr.id}" + (f"?{query}" if query else "")


def chart(body: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg.*?</svg>", body, re.S).group(0))


def add_checkins(kr: KeyResult, author_id: int, count: int, first: datetime) -> None:
    """Many check-ins stored directly (a busy key result), one every six hours."""
    rows = []
    for n in range(count):
        moment = first + timedelta(hours=6 * n)
        rows.append(
            CheckIn(
                key_result_id=kr.id,
                value=Decimal(40000 + n),
                confidence="on_track",
                note=f"记录 {n}",
                author_id=author_id,
                created_at=moment,
                week=week_start(moment.date()),
            )
        )
    db.session.add_all(rows)
    db.session.commit()


def test_page_shows_definition_progress_derivation_chart_and_log(client, login, q):
    for day, value, note, author in (
        (5, "44000", "起步", q.seo),
        (12, "47000", "外链见效", q.lead),
        (19, "50000", "按计划", q.seo),
    ):
        kr = db.session.get(KeyResult, q.traffic.id)
        record_checkin(kr, value, "on_track", note, author, None, now=at(day))
    db.session.commit()

    response = login(q.seo).get(url(q.traffic))

    assert response.status_code == 200
    body = text(response)
    assert "Increase from start to target" in body
    definition = body[body.index('id="kr-definition"') : body.index('id="explain"')]
    for shown in ("40000", "60000", "次", "60%"):
        assert shown in definition
    assert "(50000 − 40000) ÷ (60000 − 40000) = 0.5" in body
    assert "Progress: 50%" in body
    # the chart: one point per week at the recorded values, with the target line
    svg = chart(body)
    points = [c.get("data-value") for c in svg.iter(f"{SVG}circle")]
    assert points == ["44000", "47000", "50000"]
    assert any(line.get("class") == "target-line" for line in svg.iter(f"{SVG}line"))
    # the log: newest first, with author, confidence and note
    log = body[body.index('id="checkin-log"') :]
    assert log.index("按计划") < log.index("外链见效") < log.index("起步")
    assert "李喆" in log and "张玥" in log and "On track" in log
    assert "3 check-ins" in log
    assert f'href="/week/key-results/{q.traffic.id}/check-in"' in body


def test_chart_takes_the_last_value_of_each_week(client, login, q):
    for day, value in ((5, "41000"), (7, "42000"), (9, "43000"), (13, "45000")):
        kr = db.session.get(KeyResult, q.traffic.id)
        record_checkin(kr, value, "on_track", "", q.seo, None, now=at(day))
    db.session.commit()

    svg = chart(login(q.seo).get(url(q.traffic)).get_data(as_text=True))

    circles = list(svg.iter(f"{SVG}circle"))
    assert [c.get("data-value") for c in circles] == ["43000", "45000"]
    assert [c.get("data-day") for c in circles] == ["2026-10-09", "2026-10-13"]


def test_empty_history(client, login, q):
    body = text(login(q.seo).get(url(q.pages)))

    assert "No check-ins yet" in body
    assert list(chart(body).iter(f"{SVG}circle")) == []
    assert "0 check-ins" in body


def test_milestone_chart_aims_at_done(client, login, q):
    svg = chart(login(q.seo).get(url(q.milestone)).get_data(as_text=True))
    labels = [t.text for t in svg.iter(f"{SVG}text") if "target-label" in (t.get("class") or "")]
    assert labels == ["Target 1"]


def test_log_is_paginated_newest_first(client, login, q):
    add_checkins(q.traffic, q.seo.id, 45, at(2))
    client = login(q.seo)

    first = text(client.get(url(q.traffic)))
    last = text(client.get(url(q.traffic, page=3)))

    assert first.count('<tr id="checkin-') == LOG_PAGE_SIZE
    assert first.index("记录 44") < first.index("记录 43")
    assert "记录 24" not in first
    assert "45 check-ins" in first and "Page 1 of 3" in first
    assert f'href="/okrs/key-results/{q.traffic.id}?page=2"' in first
    assert last.count('<tr id="checkin-') == 5 and "记录 0<" in last
    assert client.get(url(q.traffic, page=9)).status_code == 404


def test_log_pages_load_as_an_htmx_fragment(client, login, q):
    add_checkins(q.traffic, q.seo.id, 25, at(2))

    response = login(q.seo).get(url(q.traffic, page=2), headers={"HX-Request": "true"})

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "<svg" not in body
    assert body.lstrip().startswith('<section class="card" id="checkin-log">')
    assert body.count('<tr id="checkin-') == 5
    assert 'hx-target="#checkin-log"' in body
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("who", ["seo", "lead", "boss"])
def test_owner_and_management_chain_read_an_individual_key_result(client, login, q, who):
    assert login(getattr(q, who)).get(url(q.traffic)).status_code == 200


def test_admin_reads_any_key_result(client, login, q, admin):
    assert login(admin).get(url(q.traffic)).status_code == 200


@pytest.mark.parametrize("who", ["peer", "other_lead"])
def test_a_peer_or_another_manager_may_not_read_an_individual_key_result(client, login, q, who):
    response = login(getattr(q, who)).get(url(q.traffic))
    assert response.status_code == 403
    assert q.traffic.title not in text(response)


def test_everyone_reads_department_key_results(client, login, q):
    dept_kr = KeyResult(
        objective_id=q.department.id, title="部门访问量", kind="at_least", target=Decimal(60000)
    )
    db.session.add(dept_kr)
    db.session.commit()

    response = login(q.other_lead).get(url(dept_kr))

    assert response.status_code == 200
    assert "Check in" not in text(response).split('id="kr-definition"')[0]  # reads, not writes


def test_anonymous_is_sent_to_sign_in(client, q):
    response = client.get(url(q.traffic))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_missing_key_result_is_404(client, login, q):
    assert login(q.seo).get("/okrs/key-results/999999").status_code == 404


def test_objective_and_set_pages_link_key_results_to_their_page(client, login, q):
    client = login(q.seo)
    objective_page = text(client.get(f"/okrs/objectives/{q.mine.id}"))
    set_page = text(client.get(f"/okrs/people/{q.seo.id}?cycle={q.cycle.id}"))

    for page in (objective_page, set_page):
        assert f'href="/okrs/key-results/{q.traffic.id}"' in page


def test_page_query_count_does_not_grow_with_the_log_or_the_company(
    client, login, q, make_person, count_queries
):
    add_checkins(q.traffic, q.seo.id, 3, at(2))
    client = login(q.lead)  # a manager: the read check asks who reports to them
    with count_queries() as small:
        assert client.get(url(q.traffic)).status_code == 200

    add_checkins(q.traffic, q.lead.id, 600, at(20))
    for n in range(6):
        person = make_person(manager=q.lead)
        other = Objective(
            cycle_id=q.cycle.id, level="individual", title=f"目标{n}", owner_id=person.id
        )
        db.session.add(other)
        db.session.flush()
        kr = KeyResult(objective_id=other.id, title=f"KR{n}", kind="at_least", target=Decimal(1))
        db.session.add(kr)
        db.session.flush()
        add_checkins(kr, person.id, 20, at(2))
    with count_queries() as large:
        body = client.get(url(q.traffic)).get_data(as_text=True)

    assert large.count == small.count, large.statements
    assert body.count('<tr id="checkin-') == LOG_PAGE_SIZE
    # 603 check-ins over about 23 weeks: the chart draws one point per week, not one per row
    points = list(chart(body).iter(f"{SVG}circle"))
    weeks = {week_start((at(2) + timedelta(hours=6 * n)).date()) for n in range(3)}
    weeks |= {week_start((at(20) + timedelta(hours=6 * n)).date()) for n in range(600)}
    assert len(points) == len(weeks) < 30
