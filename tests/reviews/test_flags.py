"""Flags for HR: people low for N cycles in a row (seeds: three cycles under 90 by default)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from okr.extensions import db
from tests.factories import build_org, open_cycle_review, rated_and_final
from tests.helpers import field_error, text

QUARTERS = (date(2026, 5, 15), date(2026, 8, 15), date(2026, 11, 21))  # Q2, Q3, Q4


@pytest.fixture
def org(make_person, make_department):
    org = build_org(make_person, make_department, per_manager=5)
    for day in QUARTERS:
        open_cycle_review(org, day)
    return org


def history(org, person, *ratings):
    """Finalize the person's appraisal in each review (oldest cycle first); None skips one."""
    for review, rating in zip(org.reviews, ratings, strict=True):
        if rating is not None:
            rated_and_final(org, person, rating, review)


def flagged_ids(body: str) -> set[int]:
    return {int(m) for m in re.findall(r'id="flag-(\d+)"', body)}


def test_three_cycles_under_90_are_flagged_by_default(client, login, org):
    low, recovered, once, equal, gap = org.staff
    history(org, low, "85", "80", "70")
    history(org, recovered, "70", "70", "95")
    history(org, once, "85", "95", "80")
    history(org, equal, "90", "90", "90")
    history(org, gap, None, "89", "89")
    response = login(org.hr).get("/reviews/flags")
    assert response.status_code == 200
    body = text(response)
    assert flagged_ids(body) == {low.id}
    row = body.split(f'id="flag-{low.id}"')[1].split("</tr>")[0]
    assert '<td class="num streak">3</td>' in row
    assert "2026 Q2: 85" in row and "2026 Q4: 70" in row and "合格" in row


def test_a_score_at_the_threshold_counts_only_when_inclusive(client, login, org):
    history(org, org.staff[3], "90", "90", "90")
    login(org.hr)
    assert flagged_ids(text(client.get("/reviews/flags?cycles=3&below=90"))) == set()
    body = text(client.get("/reviews/flags?cycles=3&below=90&inclusive=y"))
    assert flagged_ids(body) == {org.staff[3].id}


def test_grade_at_or_below_a_level(client, login, org):
    history(org, org.staff[0], "95", "65", "55")  # 优秀, 合格, 不合格
    history(org, org.staff[1], "85", "85", "55")  # 良好, 良好, 不合格
    login(org.hr)
    body = text(client.get("/reviews/flags?cycles=2&below=&level=合格"))
    assert flagged_ids(body) == {org.staff[0].id}
    body = text(client.get("/reviews/flags?cycles=2&below=&level=不合格"))
    assert flagged_ids(body) == set()
    body = text(client.get("/reviews/flags?cycles=1&below=&level=不合格"))
    assert flagged_ids(body) == {org.staff[0].id, org.staff[1].id}


def test_cycles_are_ordered_by_their_start_not_by_creation(
    client, login, make_person, make_department
):
    org = build_org(make_person, make_department, per_manager=1)
    for day in (QUARTERS[1], QUARTERS[0], QUARTERS[2]):  # Q3 is created before Q2
        open_cycle_review(org, day)
    history(org, org.staff[0], "95", "80", "70")  # Q3 95, Q2 80, Q4 70: by start 80, 95, 70
    body = text(login(org.hr).get("/reviews/flags?cycles=2&below=90"))
    assert flagged_ids(body) == set()


def test_deactivated_people_are_not_listed(client, login, org):
    history(org, org.staff[0], "85", "80", "70")
    org.staff[0].active = False
    db.session.commit()
    assert flagged_ids(text(login(org.hr).get("/reviews/flags"))) == set()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("cycles=0&below=90", "cycles", "Between 1 and 24"),
        ("cycles=&below=90", "cycles", "whole number"),
        ("cycles=3&below=ninety", "below", ""),
        ("cycles=3&below=", "below", "a grade, or both"),
        ("cycles=3&below=90&level=卓越", "level", "Not a valid choice"),
    ],
)
def test_a_bad_rule_is_refused_beside_the_field(client, login, org, query, field, message):
    history(org, org.staff[0], "85", "80", "70")
    response = login(org.hr).get(f"/reviews/flags?{query}")
    assert response.status_code == 422
    assert message in field_error(response, field) and field_error(response, field)
    assert 'id="flagged"' not in text(response)


@pytest.mark.parametrize("who", ["employee", "manager"])
def test_only_hr_sees_flags(client, login, org, who):
    history(org, org.staff[0], "85", "80", "70")
    user = org.staff[1] if who == "employee" else org.managers[0]
    assert login(user).get("/reviews/flags").status_code == 403


def test_flags_query_count_does_not_grow(
    client, login, make_person, make_department, count_queries
):
    org = build_org(make_person, make_department, per_manager=8)
    for day in QUARTERS:
        open_cycle_review(org, day)
    login(org.hr)
    counts = []
    for people in (org.staff[:2], org.staff[2:]):
        for person in people:
            history(org, person, "85", "80", "70")
        with count_queries() as queries:
            body = text(client.get("/reviews/flags"))
        counts.append(queries.count)
    assert len(flagged_ids(body)) == 8
    assert counts[0] == counts[1]
