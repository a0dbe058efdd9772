"""The review dashboard: counts per status and department, each appraisal's progress and live score."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from okr.appraisals.services import assign_rater
from okr.calibration.results import finalize
from okr.extensions import db
from okr.objectives.models import Adjustment
from okr.reviews.display import shown_score
from okr.reviews.models import Appraisal
from okr.reviews.services import STATUS_ORDER, breakdown
from tests.factories import (
    PEER_KEYS,
    World,
    build_org,
    build_world,
    fill_peer_forms,
    interview,
    interview_with,
    open_cycle_review,
)
from tests.helpers import field_error, text


@pytest.fixture
def world(make_person, make_department) -> World:
    return build_world(make_person, make_department)


def _row(response, appraisal_id):
    body = response.get_data(as_text=True)
    match = re.search(rf'<tr id="appraisal-{appraisal_id}">(.*?)</tr>', body, re.S)
    return match.group(1) if match else None


def _cell(row, css):
    return re.sub(
        r"<[^>]+>", "", re.search(rf'<td class="{css}">(.*?)</td>', row, re.S).group(1)
    ).strip()


def _score_everything(world: World) -> None:
    appraisal, spec = world.appraisal, world.spec
    fill_peer_forms(appraisal, spec, world.manager, world.peers, dict.fromkeys(PEER_KEYS, "5"))
    assign_rater(appraisal, world.colleague, world.manager)
    interview_with(
        appraisal, spec, {"results": "4", "skills": "4", "attitude": "3"}, {"purpose": "回顾"}
    )
    db.session.commit()


def test_hr_sees_counts_per_status_and_department_and_every_row(world, login):
    _score_everything(world)
    response = login(world.hr).get(f"/reviews/{world.review.id}")
    assert response.status_code == 200
    body = text(response)
    assert re.search(r'id="status-count-interviewed" href="[^"]*"><strong>1</strong>', body)
    assert re.search(r'id="status-count-draft" href="[^"]*"><strong>6</strong>', body)
    assert "社群运营组" in body and "SEO组" in body
    row = _row(response, world.appraisal.id)
    assert "郑堃" in row and "吴昊" in row
    assert _cell(row, "peer-count") == "2 of 3"
    assert _cell(row, "interview-done") == "✓"
    assert _cell(row, "self-done") == "—"
    # KR 0.5 × 60 = 30; peers 1 × 20 = 20; interview 0.675 × 20 = 13.5 -> 63.5, 合格
    assert _cell(row, "composite") == "63.5"
    assert _cell(row, "grade") == "合格"
    assert _row(response, world.appraisal_of(world.other_report).id) is not None
    assert f'href="/reviews/{world.review.id}/calibration"' in body  # HR goes on to calibrate


def test_the_composite_is_live_with_okr_progress(world, login):
    _score_everything(world)
    from okr.checkins.services import record_checkin

    record_checkin(world.kr, "60000", "on_track", "", world.person, None)
    db.session.commit()
    response = login(world.hr).get(f"/reviews/{world.review.id}")
    assert _cell(_row(response, world.appraisal.id), "composite") == "93.5"  # 60 + 20 + 13.5


def test_a_manager_sees_only_the_people_of_their_chain(world, login):
    response = login(world.manager).get(f"/reviews/{world.review.id}")
    assert response.status_code == 200
    assert _row(response, world.appraisal.id) is not None
    assert _row(response, world.appraisal_of(world.other_report).id) is None
    assert _row(response, world.appraisal_of(world.manager).id) is None  # not their own
    assert "/calibration" not in text(response)
    director = login(world.director).get(f"/reviews/{world.review.id}")
    assert _row(director, world.appraisal_of(world.other_report).id) is not None


def test_someone_without_people_in_the_review_is_refused(world, login):
    assert login(world.colleague).get(f"/reviews/{world.review.id}").status_code == 403


def test_filtering_by_status_returns_only_the_rows_fragment(world, login):
    _score_everything(world)
    response = login(world.hr).get(
        f"/reviews/{world.review.id}?status=interviewed", headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith(f'<div id="review-{world.review.id}-lists">')
    assert f'id="review-{world.review.id}-rows"' in body
    assert f'id="review-{world.review.id}-departments"' in body  # the filter narrows both
    assert "HX-Request" in response.headers["Vary"]
    assert _row(response, world.appraisal.id) is not None
    assert body.count('<tr id="appraisal-') == 1


def test_filtering_by_department(world, login):
    response = login(world.hr).get(f"/reviews/{world.review.id}?department={world.other_team.id}")
    assert response.get_data(as_text=True).count('<tr id="appraisal-') == 2
    assert _row(response, world.appraisal_of(world.other_report).id) is not None


def test_the_reviews_list_shows_what_each_viewer_follows(world, login):
    assert world.review.name in text(login(world.hr).get("/reviews/"))
    assert world.review.name in text(login(world.manager).get("/reviews/"))
    mine = text(login(world.colleague).get("/reviews/"))
    assert f'id="review-{world.review.id}"' not in mine  # follows nobody
    assert f'id="my-appraisal-{world.appraisal_of(world.colleague).id}"' in mine


def test_the_dashboard_reads_a_fixed_number_of_queries(world, login, make_person, count_queries):
    client = login(world.hr)
    url = f"/reviews/{world.review.id}"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for i in range(8):  # eight more people in the review, each with an adjustment and a rater
        newcomer = make_person(f"新人{i}", department=world.team, manager=world.manager)
        appraisal = Appraisal(
            review_id=world.review.id,
            person_id=newcomer.id,
            manager_id=world.manager.id,
            department_id=world.team.id,
        )
        db.session.add(appraisal)
        db.session.add(
            Adjustment(
                cycle_id=world.cycle.id,
                person_id=newcomer.id,
                points=Decimal(1),
                reason="好",
                author_id=world.manager.id,
            )
        )
        db.session.flush()
        assign_rater(appraisal, world.colleague, world.manager)
    db.session.commit()
    _score_everything(world)
    with count_queries() as many:
        response = client.get(url)
    assert response.get_data(as_text=True).count('<tr id="appraisal-') == 15
    assert many.count == few.count
    manager = login(world.manager)
    manager.get(url)
    with count_queries() as as_manager:
        manager.get(url)
    assert as_manager.count <= few.count + 1  # the chain is read once, whatever the size


# Filters and pages over a company ---------------------------------------------------------


@pytest.fixture
def company(make_person, make_department):
    """Six teams of a manager and six staff (推广2组 below 推广1组, 推广3组 below 推广2组); every
    third person interviewed, every sixth of those finalized; the rest in draft."""
    org = build_org(make_person, make_department, teams=6, per_manager=6)
    org.teams[1].parent_id = org.teams[0].id
    org.teams[2].parent_id = org.teams[1].id
    db.session.commit()
    open_cycle_review(org)
    for n, person in enumerate(org.staff):
        if n % 3 == 0:
            interview(org, org.appraisal(person), str(55 + n))
        if n % 6 == 0:
            finalize(org.appraisal(person), org.spec)
    db.session.commit()
    return org


def expected(org, departments=None, status=None) -> dict[int, tuple[str, str, str]]:
    """(status, composite shown, grade) of each appraisal, computed here one by one: the frozen
    figures once finalized, else the live computation."""
    found = {}
    for appraisal in db.session.scalars(
        select(Appraisal).where(Appraisal.review_id == org.reviews[-1].id)
    ):
        if departments and appraisal.department_id not in departments:
            continue
        if status and appraisal.status != status:
            continue
        if appraisal.finalized_at is not None:
            composite, grade = appraisal.composite, appraisal.final_grade or appraisal.grade
        else:
            result = breakdown(appraisal, org.spec).result
            composite, grade = (result.composite, result.grade) if result else (None, None)
        found[appraisal.id] = (appraisal.status, shown_score(composite), grade or "—")
    return found


def listed(body: str) -> dict[int, tuple[str, str, str]]:
    """(status, composite, grade) of each row the page shows."""
    rows = {}
    for found, row in re.findall(r'<tr id="appraisal-(\d+)">(.*?)</tr>', body, re.S):
        status = re.search(r'class="badge status-(\w+)"', row).group(1)
        rows[int(found)] = (status, _cell(row, "composite"), _cell(row, "grade"))
    return rows


def every_page(client, url: str) -> list[str]:
    bodies = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.get_data(as_text=True))
        following = re.search(r'<a href="([^"]+)" rel="next"', bodies[-1])
        url = following.group(1).replace("&amp;", "&") if following else ""
    return bodies


def test_pages_show_every_appraisal_with_the_figures_of_the_whole_list(app, client, login, company):
    app.config["PAGE_SIZE"] = 10
    bodies = every_page(login(company.hr), f"/reviews/{company.reviews[-1].id}")
    assert len(bodies) == 5  # 42 appraisals
    seen: dict[int, tuple[str, str, str]] = {}
    for body in bodies:
        rows = listed(body)
        assert len(rows) <= 10 and not set(rows) & set(seen)
        seen.update(rows)
    assert seen == expected(company)
    assert {"draft", "interviewed", "calibrated"} <= {s for s, _c, _g in seen.values()}
    assert "People 11–20 of 42" in unescape(bodies[1])


@pytest.mark.parametrize("status", ["", "interviewed"])
def test_without_a_department_the_pages_are_counted_from_the_status_counts(
    app, client, login, company, count_queries, status
):
    """The list's total is the status counts' sum (or the status's count): no second count of
    the followed appraisals; the pages still say how many there are of the whole list."""
    app.config["PAGE_SIZE"] = 10
    hr = login(company.hr)
    url = f"/reviews/{company.reviews[-1].id}?status={status}"
    with count_queries() as seen:
        body = unescape(hr.get(url).get_data(as_text=True))
    counts = [s for s in seen.statements if re.search(r"count\(\*\)", s)]
    assert len(counts) == 2, counts  # by status, and the departments' page (a window count)
    total = len(expected(company, None, status or None))
    assert f"People 1–{min(total, 10)} of {total}" in body


@pytest.mark.parametrize(("chosen", "teams"), [(0, (0, 1, 2)), (1, (1, 2)), (4, (4,))])
def test_the_department_filter_lists_its_subtree(client, login, company, chosen, teams):
    response = login(company.hr).get(
        f"/reviews/{company.reviews[-1].id}?department={company.teams[chosen].id}"
    )
    departments = {company.teams[t].id for t in teams}
    assert listed(response.get_data(as_text=True)) == expected(company, departments)


def test_status_and_department_filters_together(client, login, company):
    url = f"/reviews/{company.reviews[-1].id}?status=interviewed&department={company.teams[0].id}"
    response = login(company.hr).get(url, headers={"HX-Request": "true"})
    rows = listed(response.get_data(as_text=True))
    departments = {company.teams[t].id for t in (0, 1, 2)}
    assert rows and rows == expected(company, departments, "interviewed")


@pytest.mark.parametrize(
    ("query", "field"), [("status=done", "status"), ("department=0", "department")]
)
def test_a_bad_filter_is_refused_beside_the_field(client, login, company, query, field):
    response = login(company.hr).get(f"/reviews/{company.reviews[-1].id}?{query}")
    assert response.status_code == 422
    assert field_error(response, field)
    assert listed(response.get_data(as_text=True)) == {}


def test_a_manager_naming_another_department_finds_none_of_its_people(client, login, company):
    url = f"/reviews/{company.reviews[-1].id}"
    manager = login(company.managers[1])  # 推广2组, with 推广3组 below it, under 推广1组
    other = manager.get(f"{url}?department={company.teams[3].id}")
    assert other.status_code == 200
    assert listed(other.get_data(as_text=True)) == {}
    assert company.staff[18].name not in text(other)  # 推广4组's first
    mine = {
        company.appraisal(p).id for p in company.staff if p.manager_id == company.managers[1].id
    }
    above = manager.get(f"{url}?department={company.teams[0].id}")  # theirs within it only
    assert set(listed(above.get_data(as_text=True))) == mine
    own = manager.get(f"{url}?department={company.teams[1].id}")
    assert set(listed(own.get_data(as_text=True))) == mine


def test_the_page_links_keep_the_filters(app, client, login, company):
    app.config["PAGE_SIZE"] = 5
    body = (
        login(company.hr)
        .get(f"/reviews/{company.reviews[-1].id}?department={company.teams[0].id}&status=draft")
        .get_data(as_text=True)
    )
    assert f"?department={company.teams[0].id}&amp;status=draft&amp;page=2" in body


def test_one_departments_rows_read_as_many_queries_in_a_bigger_company(
    client, login, make_person, make_department, count_queries
):
    org = build_org(make_person, make_department, teams=2, per_manager=3)
    open_cycle_review(org)
    url = f"/reviews/{org.reviews[-1].id}?department={org.teams[0].id}"
    login(org.hr)
    counts = []
    for grow in (0, 8):
        for n in range(grow):  # more people in the department and in another one
            for department in (org.teams[0], make_department(f"其他{n}组")):
                person = make_person(department=department, manager=org.managers[0])
                appraisal = Appraisal(
                    review_id=org.reviews[-1].id,
                    person_id=person.id,
                    manager_id=person.manager_id,
                    department_id=department.id,
                )
                db.session.add(appraisal)
                db.session.commit()
                interview(org, appraisal, str(60 + n))
        with count_queries() as queries:
            response = client.get(url)
        counts.append(queries.count)
    assert len(listed(response.get_data(as_text=True))) == 12
    assert counts[0] == counts[1]


# The counts per department: a list of their own, filtered and paged -------------------------

# Each team of the company: its manager and four staff in draft, one interviewed, one finalized.
TEAM_COUNTS = {"total": 7, "draft": 5, "interviewed": 1, "calibrated": 1}


def department_counts(body: str) -> dict[int, dict[str, int]]:
    """Each department row of the page: its total and its count per status (non-zero ones)."""
    found = {}
    for found_id, cells in re.findall(r'<tr id="department-counts-(\d+)">(.*?)</tr>', body, re.S):
        numbers = [int(n) for n in re.findall(r"<td>(\d+)</td>", cells)]
        counts = {"total": numbers[0]}
        counts.update({code: n for code, n in zip(STATUS_ORDER, numbers[1:], strict=True) if n})
        found[int(found_id)] = counts
    return found


def test_the_department_counts_are_paged_by_name(app, client, login, company):
    app.config["PAGE_SIZE"] = 2
    url = f"/reviews/{company.reviews[-1].id}"
    login(company.hr)
    pages = [client.get(f"{url}?department_page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    teams = [team.id for team in company.teams]  # 推广1组 … 推广6组, in name order
    assert [list(department_counts(body)) for body in pages] == [teams[:2], teams[2:4], teams[4:]]
    for body in pages:
        assert all(counts == TEAM_COUNTS for counts in department_counts(body).values())
    assert "Departments 3–4 of 6" in unescape(pages[1])
    past = client.get(f"{url}?department_page=9").get_data(as_text=True)
    assert list(department_counts(past)) == teams[4:]  # past the end: the last page
    assert re.search(r'id="status-count-draft" href="[^"]*"><strong>30</strong>', pages[2])


def test_the_department_filter_narrows_the_department_counts(client, login, company):
    url = f"/reviews/{company.reviews[-1].id}?department={company.teams[1].id}"
    body = login(company.hr).get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert department_counts(body) == {
        company.teams[1].id: TEAM_COUNTS,
        company.teams[2].id: TEAM_COUNTS,
    }


def test_a_manager_sees_the_counts_of_their_people_only(client, login, company):
    manager = company.managers[4]  # 推广5组, nobody below
    body = text(login(manager).get(f"/reviews/{company.reviews[-1].id}"))
    mine = {"total": 6, "draft": 4, "interviewed": 1, "calibrated": 1}  # not their own
    assert department_counts(body) == {company.teams[4].id: mine}


def test_a_bad_filter_shows_no_department_counts(client, login, company):
    response = login(company.hr).get(f"/reviews/{company.reviews[-1].id}?department=0")
    assert response.status_code == 422
    assert field_error(response, "department")
    assert department_counts(response.get_data(as_text=True)) == {}


def test_the_department_pages_keep_the_filter_and_the_rows_page(app, client, login, company):
    app.config["PAGE_SIZE"] = 2
    url = f"/reviews/{company.reviews[-1].id}?department={company.teams[0].id}&page=2"
    body = login(company.hr).get(url).get_data(as_text=True)
    assert list(department_counts(body)) == [company.teams[0].id, company.teams[1].id]
    assert f"?department={company.teams[0].id}&amp;page=2&amp;department_page=2" in body
    assert f"?department={company.teams[0].id}&amp;page=3" in body
    assert "department_page=1&amp;page=3" not in body
