"""Ranking lists: finalized results the viewer may rank, by department, with their ranks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from okr.calibration.board import Row, frozen_points, load_appraisals
from okr.calibration.results import department_ranks
from okr.org.models import Department, Person
from okr.org.queries import report_ids_query
from okr.reviews.models import Appraisal, Review


@dataclass
class RankingGroup:
    department: Department
    rows: list[Row]


def ranking_lists(review: Review, viewer: Person) -> tuple[list[RankingGroup], int, bool]:
    """Finalized results the viewer may rank (HR: all; a manager: their reports), by department.

    Returns the groups, how many in scope are not finalized yet, and whether anyone is in scope.
    """
    stmt = select(Appraisal).where(Appraisal.review_id == review.id)
    if not viewer.is_admin:
        stmt = stmt.where(
            (Appraisal.manager_id == viewer.id)
            | Appraisal.person_id.in_(report_ids_query(viewer.id))
        )
    appraisals = load_appraisals(stmt)
    finalized = [a for a in appraisals if a.finalized_at is not None]
    ranks = department_ranks(review, {a.department_id for a in finalized})
    groups: dict[int, RankingGroup] = {}
    for a in finalized:
        group = groups.setdefault(a.department_id, RankingGroup(a.department, []))
        group.rows.append(Row(a, frozen_points(a), a.composite, True, rank=ranks.get(a.id)))
    for group in groups.values():
        group.rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.appraisal.person.name))
    ordered = sorted(groups.values(), key=lambda g: (g.department.name, g.department.id))
    return ordered, len(appraisals) - len(finalized), bool(appraisals)
