"""The calibration board's filter: a department (and those below it), a final grade, a status.

A GET form like the other lists over many people (okr.people.filters); the filter and the page
live in the query string, and every form of the board (overrides, finalize, release) posts
back to the same filter and page. Statuses are read from the appraisal's own columns: open
(not finalized), finalized (not released yet), released. "Ready to finalize" and "incomplete"
are not offered: telling them apart takes the live computation of every open appraisal (the
finalize job reports how many it passed, okr.calibration.jobs.outcome).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement
from wtforms import SelectField
from wtforms.validators import Optional

from okr.forms import options
from okr.people.filters import ListFilterForm, in_departments
from okr.reviews.models import Appraisal, Review

OPEN, FINALIZED, RELEASED = "open", "finalized", "released"


@dataclass(frozen=True)
class BoardFilter:
    """Which appraisals of the review the list shows."""

    departments: frozenset[int] | None = None  # a department's subtree; None: every one
    grade: str | None = None  # final grade
    status: str | None = None  # OPEN | FINALIZED | RELEASED | None


class BoardFilterForm(ListFilterForm):
    """The board's filter (grade choices are the template's, set by the view)."""

    grade = SelectField(_l("Final grade"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=options(
            [
                ("", _l("All")),
                (OPEN, _l("open")),
                (FINALIZED, _l("finalized, not released")),
                (RELEASED, _l("released")),
            ]
        ),
        validators=[Optional()],
    )


def board_clauses(review: Review, f: BoardFilter) -> list[ColumnElement[bool]]:
    """The review's appraisals the filter leaves."""
    clauses = [
        Appraisal.review_id == review.id,
        in_departments(Appraisal.department_id, f.departments),
    ]
    if f.grade:
        clauses.append(Appraisal.final_grade == f.grade)
    if f.status == OPEN:
        clauses.append(Appraisal.finalized_at.is_(None))
    elif f.status == FINALIZED:
        clauses += [Appraisal.finalized_at.is_not(None), Appraisal.released_at.is_(None)]
    elif f.status == RELEASED:
        clauses.append(Appraisal.released_at.is_not(None))
    return clauses


def leaves(
    f: BoardFilter, department_id: int, finalized: bool, released: bool, grade: str | None
) -> bool:
    """Whether the filter leaves appraisals counted so (as `board_clauses` selects them)."""
    if f.departments is not None and department_id not in f.departments:
        return False
    if f.grade and grade != f.grade:
        return False
    if f.status == OPEN:
        return not finalized
    if f.status == FINALIZED:
        return finalized and not released
    return released if f.status == RELEASED else True
