"""Flags for HR: people low for N cycles in a row (seeds: three cycles under 90 by default)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from okr.extensions import db
from okr.reviews.models import Appraisal
from tests.factories import build_org, open_cycle_review, rated_and_final
from tests.helpers import HTMX, field_error, text

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


# Pages and the department filter ---------------------------------------------------------

HISTORIES = (("85", "80", "70"), ("95", "85", "80"), ("70", "95", "89"), ("92", "93", "99"))


@pytest.fixture
def company(make_person, make_department):
    """Six teams of a manager and six staff (推广2组 below 推广1组) with three quarters each,
    runs of 0 to 3 low cycles; one of the staff deactivated."""
    org = build_org(make_person, make_department, teams=6, per_manager=6)
    org.teams[1].parent_id = org.teams[0].id
    db.session.commit()
    for day in QUARTERS:
        open_cycle_review(org, day)
    for n, person in enumerate(org.staff):
        history(org, person, *HISTORIES[(n + n // 6) % len(HISTORIES)])
    org.staff[-1].active = False
    db.session.commit()
    return org


def expected_flags(org, cycles: int, departments=None) -> list[tuple[int, int]]:
    """(person id, run) of everyone flagged by "below 90", longest runs first then by name,
    computed here from each person's composites, newest first."""
    found = []
    for person in org.staff + org.managers:
        if not person.active or (departments and person.department_id not in departments):
            continue
        scores = [
            a.composite for a in (org.appraisal(person, r) for r in reversed(org.reviews))
            if a.finalized_at is not None
        ]  # fmt: skip
        run = next((n for n, s in enumerate(scores) if s >= 90), len(scores))
        if run >= cycles:
            found.append((person.name, person.id, run))
    return [(i, run) for _name, i, run in sorted(found, key=lambda f: (-f[2], f[0]))]


def listed_flags(body: str) -> list[tuple[int, int]]:
    return [
        (int(i), int(run))
        for i, run in re.findall(
            r'<tr id="flag-(\d+)">.*?<td class="num streak">(\d+)</td>', body, re.S
        )
    ]


def every_page(client, url: str) -> list[str]:
    bodies = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(text(response))
        following = re.search(r'<a href="([^"]+)" rel="next"', bodies[-1])
        url = following.group(1) if following else ""
    return bodies


@pytest.mark.parametrize("query", ["", "?cycles=1&below=90"])
def test_pages_list_the_flagged_in_the_order_and_runs_of_the_whole_list(
    app, client, login, company, query
):
    app.config["PAGE_SIZE"] = 5
    bodies = every_page(login(company.hr), f"/reviews/flags{query}")
    expected = expected_flags(company, 1 if query else 3)
    assert len(bodies) == -(-len(expected) // 5) > 1
    assert [flag for body in bodies for flag in listed_flags(body)] == expected
    count = f"{len(expected)} people flagged"
    assert all(count in body for body in bodies)
    assert f"People 6–{min(10, len(expected))} of {len(expected)}" in bodies[1]


def test_a_flag_on_a_later_page_shows_its_whole_run(app, client, login, company):
    app.config["PAGE_SIZE"] = 5
    login(company.hr)
    last = every_page(client, "/reviews/flags?cycles=1&below=90")[-1]
    person_id, run = listed_flags(last)[-1]
    row = last.split(f'id="flag-{person_id}"')[1].split("</tr>")[0]
    assert row.count("<li>") == run
    assert f"reaches {run}, flagged" in row


@pytest.mark.parametrize(("chosen", "teams"), [(0, (0, 1)), (1, (1,)), (5, (5,))])
def test_the_department_filter_lists_its_subtree(client, login, company, chosen, teams):
    body = text(
        login(company.hr).get(
            f"/reviews/flags?cycles=1&below=90&department={company.teams[chosen].id}"
        )
    )
    departments = {company.teams[t].id for t in teams}
    assert listed_flags(body) == expected_flags(company, 1, departments)
    assert listed_flags(body)


def test_an_unknown_department_is_refused_beside_the_field(client, login, company):
    response = login(company.hr).get("/reviews/flags?cycles=3&below=90&department=999999")
    assert response.status_code == 422
    assert field_error(response, "department")
    assert listed_flags(text(response)) == []


def test_a_manager_filtering_a_department_is_refused(client, login, company):
    response = login(company.managers[0]).get(
        f"/reviews/flags?cycles=1&below=90&department={company.teams[0].id}"
    )
    assert response.status_code == 403
    assert listed_flags(text(response)) == []


def test_the_page_links_keep_the_rule(app, client, login, company):
    app.config["PAGE_SIZE"] = 5
    body = text(
        login(company.hr).get(f"/reviews/flags?cycles=1&below=90&department={company.teams[0].id}")
    )
    assert f"?cycles=1&below=90&department={company.teams[0].id}&page=2" in body


def test_the_rule_answers_htmx_with_the_view_alone(client, login, company):
    response = login(company.hr).get("/reviews/flags?cycles=2&below=90", headers=HTMX)
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<div id="flags-view">')


def test_one_departments_flags_read_as_many_queries_in_a_bigger_company(
    client, login, make_person, make_department, count_queries
):
    org = build_org(make_person, make_department, teams=2, per_manager=2)
    for day in QUARTERS:
        open_cycle_review(org, day)
    for person in org.staff:
        history(org, person, "85", "80", "70")
    url = f"/reviews/flags?cycles=3&below=90&department={org.teams[0].id}"
    login(org.hr)
    counts = []
    for grow in (0, 3):
        for n in range(grow):  # more people with history in the department and elsewhere
            for team in org.teams:
                person = make_person(department=team, manager=org.managers[0])
                for review in org.reviews:
                    db.session.add(
                        Appraisal(
                            review_id=review.id,
                            person_id=person.id,
                            manager_id=person.manager_id,
                            department_id=team.id,
                        )
                    )
                db.session.commit()
                history(org, person, "85", "80", str(70 + n))
        with count_queries() as queries:
            body = text(client.get(url))
        counts.append(queries.count)
    assert len(listed_flags(body)) == 5
    assert counts[0] == counts[1]
