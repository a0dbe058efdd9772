"""Ranking lists: managers see their reports ranked inside the department, HR everyone; XLSX."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from okr.calibration.results import finalize, release
from okr.extensions import db
from okr.rankings.queries import pack
from okr.reviews.display import shown_score
from okr.reviews.models import Appraisal
from tests.factories import build_org, interview, open_cycle_review, rated_and_final
from tests.helpers import field_error, text


@pytest.fixture
def org(make_person, make_department):
    """One team, two managers with two reports each, all finalized (71, 95.125 | 88, 60)."""
    org = build_org(make_person, make_department, managers=2, per_manager=2)
    open_cycle_review(org)
    for person, rating in zip(org.staff, ("71", "95.125", "88", "60"), strict=True):
        rated_and_final(org, person, rating)
    return org


def _ranked(body: str, appraisal_id: int) -> str:
    return body.split(f'id="ranked-{appraisal_id}"')[1].split("</tr>")[0]


def test_a_manager_sees_only_their_reports_with_department_ranks(client, login, org):
    review = org.reviews[-1]
    response = login(org.managers[0]).get(f"/reviews/{review.id}/rankings")
    body = text(response)
    assert response.status_code == 200
    mine = [org.appraisal(p).id for p in org.staff[:2]]
    theirs = [org.appraisal(p).id for p in org.staff[2:]]
    assert all(f'id="ranked-{i}"' in body for i in mine)
    assert not any(f'id="ranked-{i}"' in body for i in theirs)
    # Ranked among the whole department: 95.125 first, 88 (not shown) second, 71 third.
    assert '<td class="num rank">1</td>' in _ranked(body, mine[1])
    assert '<td class="num rank">3</td>' in _ranked(body, mine[0])
    assert "95.13" in _ranked(body, mine[1])  # shown rounded half up to 2 decimals
    assert body.index(f'id="ranked-{mine[1]}"') < body.index(f'id="ranked-{mine[0]}"')


def test_hr_sees_everyone_ranked(client, login, org):
    body = text(login(org.hr).get(f"/reviews/{org.reviews[-1].id}/rankings"))
    ids = [org.appraisal(p).id for p in (org.staff[1], org.staff[2], org.staff[0], org.staff[3])]
    positions = [body.index(f'id="ranked-{i}"') for i in ids]
    assert positions == sorted(positions)
    assert "1 appraisal is not finalized yet" not in body
    assert "2 appraisals are not finalized yet" in body  # the two managers


@pytest.mark.parametrize("path", ["rankings", "results.xlsx"])
def test_someone_without_reports_in_the_review_is_refused(client, login, org, path):
    response = login(org.staff[0]).get(f"/reviews/{org.reviews[-1].id}/{path}")
    assert response.status_code == 403


def test_the_export_holds_numbers_as_numbers_and_neutralises_formulas(
    client, login, make_person, make_department
):
    org = build_org(make_person, make_department, per_manager=2)
    open_cycle_review(org)
    org.staff[0].name = '=HYPERLINK("http://x")'
    db.session.commit()
    rated_and_final(org, org.staff[0], "73.456")
    rated_and_final(org, org.staff[1], "91")
    response = login(org.hr).get(f"/reviews/{org.reviews[-1].id}/results.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header == (
        "Department", "Person", "Position", "Manager", "one-on-one interview",
        "Composite", "Grade", "Final grade", "Rank", "Released",
    )  # fmt: skip
    first, second = rows[1], rows[2]
    assert second[1] == '\'=HYPERLINK("http://x")'
    assert first[0] == org.teams[0].name and first[3] == org.managers[0].name
    assert isinstance(second[5], float) and Decimal(str(second[5])) == Decimal("73.456")
    assert isinstance(second[4], float) and isinstance(first[8], int)
    assert (first[6], first[7], first[8]) == ("优秀", "优秀", 1)
    assert (second[6], second[7], second[8]) == ("合格", "合格", 2)
    assert sheet.cell(row=3, column=6).number_format == "0.00"


def test_a_managers_export_holds_only_their_reports(client, login, org):
    response = login(org.managers[1]).get(f"/reviews/{org.reviews[-1].id}/results.xlsx")
    names = [
        row[1]
        for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert names == [org.staff[2].name, org.staff[3].name]


@pytest.mark.parametrize("who", ["hr", "manager"])
def test_ranking_page_query_count_does_not_grow(
    client, login, make_person, make_department, count_queries, who
):
    counts = []
    for size in (2, 8):
        org = build_org(make_person, make_department, teams=2, per_manager=size // 2, tag=str(size))
        open_cycle_review(org, date(2026, 11, 21) if size == 2 else date(2027, 2, 21))
        for i, person in enumerate(org.staff):
            rated_and_final(org, person, str(60 + 3 * i))
        viewer = org.hr if who == "hr" else org.managers[0]
        login(viewer)
        with count_queries() as queries:
            assert client.get(f"/reviews/{org.reviews[-1].id}/rankings").status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1]


# Filters and pages over a company ---------------------------------------------------------

RATINGS = ("95.125", "88", "71", "88", "60", "71.004")  # 71 and 71.004 both show 71.00: a tie


@pytest.fixture
def company(make_person, make_department):
    """Six teams of a manager and six staff (推广1组 > 推广2组 > 推广3组, 推广4组 > 推广5组,
    推广6组); the staff finalized and released, then four managers finalized (not released),
    two managers still open."""
    org = build_org(make_person, make_department, teams=6, per_manager=6)
    for child, parent in ((1, 0), (2, 1), (4, 3)):
        org.teams[child].parent_id = org.teams[parent].id
    db.session.commit()
    open_cycle_review(org)
    for n, person in enumerate(org.staff):
        rated_and_final(org, person, RATINGS[(n + n // 6) % len(RATINGS)])
    for manager in org.managers[:4]:
        interview(org, org.appraisal(manager), "80")
    release(org.reviews[-1], org.spec)
    for manager in org.managers[:4]:
        finalize(org.appraisal(manager), org.spec)
    db.session.commit()
    return org


def expected_rows(org, people=None) -> dict[int, tuple[str, str, str]]:
    """(rank, composite shown, final grade) of each finalized result, computed here from the
    stored composites: rank 1 + how many in the department show a higher composite."""
    finalized = db.session.scalars(
        select(Appraisal).where(
            Appraisal.review_id == org.reviews[-1].id, Appraisal.finalized_at.is_not(None)
        )
    ).all()
    shown = {a.id: Decimal(shown_score(a.composite)) for a in finalized}
    wanted = None if people is None else {p.id for p in people}
    return {
        a.id: (
            str(1 + sum(1 for b in finalized if b.department_id == a.department_id
                        and shown[b.id] > shown[a.id])),
            shown_score(a.composite),
            a.final_grade,
        )
        for a in finalized
        if wanted is None or a.person_id in wanted
    }  # fmt: skip


def shown_rows(body: str) -> dict[int, tuple[str, str, str]]:
    """(rank, composite, final grade) of each row a ranking page shows, by appraisal id."""
    rows = {}
    for found, row in re.findall(r'<tr id="ranked-(\d+)">(.*?)</tr>', body, re.S):
        rank = re.search(r'<td class="num rank">(.*?)</td>', row).group(1)
        composite = re.search(r'<td class="num composite">(.*?)</td>', row).group(1)
        final = re.search(r"<td><strong>(.*?)</strong></td>", row).group(1)
        rows[int(found)] = (rank, composite, final)
    return rows


def every_page(client, url: str) -> list[str]:
    """The bodies of every page of a list, following its "next" links."""
    bodies = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(text(response))
        following = re.search(r'<a href="([^"]+)" rel="next"', bodies[-1])
        url = following.group(1) if following else ""
    return bodies


def test_pages_hold_whole_departments_with_the_same_ranks_as_the_whole_list(
    app, client, login, company
):
    app.config["PAGE_SIZE"] = 15
    login(company.hr)
    bodies = every_page(client, f"/reviews/{company.reviews[-1].id}/rankings")
    assert len(bodies) == 3  # 7 + 7 rows, 7 + 7, 6 + 6
    seen: dict[int, tuple[str, str, str]] = {}
    for body in bodies:
        rows = shown_rows(body)
        assert len(rows) <= 15 and not set(rows) & set(seen)
        seen.update(rows)
    assert seen == expected_rows(company)
    assert {r[0] for r in seen.values()} >= {"1", "2", "4", "5", "6"}  # 88, 88 share 2
    for team in company.teams:  # each department on exactly one page
        assert sum(body.count(f'id="ranking-{team.id}"') for body in bodies) == 1
    assert "People 1–14 of 40" in bodies[0] and "People 29–40 of 40" in bodies[2]
    assert "Page 2 of 3" in bodies[1]
    assert "2 appraisals are not finalized yet" in bodies[0]


@pytest.mark.parametrize(("chosen", "teams"), [(0, (0, 1, 2)), (1, (1, 2)), (5, (5,))])
def test_a_department_filter_shows_its_subtree_with_department_ranks(
    client, login, company, chosen, teams
):
    url = f"/reviews/{company.reviews[-1].id}/rankings?department={company.teams[chosen].id}"
    response = login(company.hr).get(url)
    assert response.status_code == 200
    departments = {company.teams[t].id for t in teams}
    people = [p for p in company.staff + company.managers if p.department_id in departments]
    assert shown_rows(text(response)) == expected_rows(company, people)


def test_grade_and_release_filters_keep_the_ranks(client, login, company):
    login(company.hr)
    url = f"/reviews/{company.reviews[-1].id}/rankings"
    expected = expected_rows(company)
    good = shown_rows(text(client.get(f"{url}?grade=良好")))
    assert good and good == {k: v for k, v in expected.items() if v[2] == "良好"}
    unreleased = shown_rows(text(client.get(f"{url}?status=unreleased")))
    managers = {company.appraisal(m).id for m in company.managers[:4]}
    assert unreleased == {k: v for k, v in expected.items() if k in managers}
    subtree = {company.teams[3].id, company.teams[4].id}
    released = shown_rows(
        text(client.get(f"{url}?status=released&department={company.teams[3].id}"))
    )
    staff = {company.appraisal(p).id for p in company.staff if p.department_id in subtree}
    assert released == {k: v for k, v in expected.items() if k in staff}
    assert "No finalized results match" in text(client.get(f"{url}?grade=不合格&status=unreleased"))


@pytest.mark.parametrize(
    ("query", "field"),
    [("grade=卓越", "grade"), ("status=later", "status"), ("department=999999", "department")],
)
def test_a_bad_filter_is_refused_beside_the_field(client, login, company, query, field):
    response = login(company.hr).get(f"/reviews/{company.reviews[-1].id}/rankings?{query}")
    assert response.status_code == 422
    assert field_error(response, field)
    assert shown_rows(text(response)) == {}


def test_a_manager_naming_another_department_finds_none_of_its_results(client, login, company):
    review = company.reviews[-1]
    manager = login(company.managers[3])  # 推广4组; 推广5组 is below it, 推广1组 is not
    other = manager.get(f"/reviews/{review.id}/rankings?department={company.teams[0].id}")
    assert other.status_code == 200
    assert shown_rows(text(other)) == {}
    assert company.staff[0].name not in text(other)
    exported = manager.get(f"/reviews/{review.id}/results.xlsx?department={company.teams[0].id}")
    assert list(load_workbook(io.BytesIO(exported.data)).active.iter_rows(min_row=2)) == []
    mine = [p for p in company.staff if p.manager_id == company.managers[3].id]
    below = manager.get(f"/reviews/{review.id}/rankings?department={company.teams[3].id}")
    assert shown_rows(text(below)) == expected_rows(company, mine)
    everyone = manager.get(f"/reviews/{review.id}/rankings")
    assert shown_rows(text(everyone)) == expected_rows(company, mine)


def test_the_export_holds_every_result_the_filters_leave(app, client, login, company):
    app.config["PAGE_SIZE"] = 5  # the export is never paged
    login(company.hr)
    url = f"/reviews/{company.reviews[-1].id}/results.xlsx"
    everyone = list(load_workbook(io.BytesIO(client.get(url).data)).active.iter_rows(min_row=2))
    assert len(everyone) == len(expected_rows(company)) == 40
    subtree = client.get(f"{url}?department={company.teams[3].id}&status=released")
    rows = list(
        load_workbook(io.BytesIO(subtree.data)).active.iter_rows(min_row=2, values_only=True)
    )
    assert len(rows) == 12
    assert {r[0] for r in rows} == {company.teams[3].name, company.teams[4].name}
    expected = expected_rows(company)
    ranks = {p.name: int(expected[company.appraisal(p).id][0]) for p in company.staff}
    assert all(r[8] == ranks[r[1]] for r in rows)


def test_the_page_links_keep_the_filters(app, client, login, company):
    app.config["PAGE_SIZE"] = 6
    department = company.teams[0].id
    body = text(
        login(company.hr).get(
            f"/reviews/{company.reviews[-1].id}/rankings?department={department}&status=released"
        )
    )
    assert f"?department={department}&status=released&page=2" in body
    assert f"results.xlsx?department={department}&status=released" in body


def test_the_filter_answers_htmx_with_the_lists_alone(client, login, company):
    response = login(company.hr).get(
        f"/reviews/{company.reviews[-1].id}/rankings?grade=良好", headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<div id="rankings-view">')
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("sizes", "pages"),
    [
        ([], [[]]),
        ([(1, 3), (2, 3), (3, 4)], [[(1, 3), (2, 3), (3, 4)]]),
        ([(1, 3), (2, 3), (3, 5)], [[(1, 3), (2, 3)], [(3, 5)]]),
        ([(1, 12), (2, 1)], [[(1, 12)], [(2, 1)]]),  # a department larger than a page
        ([(1, 1), (2, 12), (3, 1)], [[(1, 1)], [(2, 12)], [(3, 1)]]),
    ],
)
def test_departments_are_packed_into_pages_whole(sizes, pages):
    assert pack(sizes, 10) == pages


@pytest.mark.parametrize("who", ["hr", "manager"])
def test_one_departments_page_reads_as_many_queries_in_a_bigger_company(
    client, login, make_person, make_department, count_queries, who
):
    org = build_org(make_person, make_department, teams=2, per_manager=3)
    org.teams[1].parent_id = org.teams[0].id
    db.session.commit()
    open_cycle_review(org)
    for n, person in enumerate(org.staff):
        rated_and_final(org, person, str(60 + 3 * n))
    viewer = org.hr if who == "hr" else org.managers[0]
    url = f"/reviews/{org.reviews[-1].id}/rankings?department={org.teams[0].id}"
    counts = []
    for grow in (0, 6):
        for n in range(grow):  # more people in the department and in another one
            other = make_department(f"其他{n}组")
            for department in (org.teams[1], other):
                person = make_person(department=department, manager=org.managers[0])
                db.session.add(
                    Appraisal(
                        review_id=org.reviews[-1].id,
                        person_id=person.id,
                        manager_id=person.manager_id,
                        department_id=department.id,
                    )
                )
                db.session.commit()
                rated_and_final(org, person, str(70 + n))
        login(viewer)
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(queries.count)
    assert len(shown_rows(text(response))) == (12 if who == "hr" else 9)  # not the others
    assert counts[0] == counts[1]
