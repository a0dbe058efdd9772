"""Ranking lists: managers see their reports ranked inside the department, HR everyone; XLSX."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from okr.extensions import db
from tests.factories import build_org, open_cycle_review, rated_and_final
from tests.helpers import text


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
