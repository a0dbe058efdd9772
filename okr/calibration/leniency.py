"""Rater leniency: each manager's mean interview part beside the company mean (both 0..1).

A manager more than LENIENCY_MARGIN away from the company mean is marked. The interview part
needs no key-result inputs: a finalized appraisal keeps its fraction in
`result["parts"]["interview"]["fraction"]`, and an open one's is computed from its own stored
interview ratings (okr.reviews.scoring.qualitative_part, exactly what the live breakdown does).
So the whole review is read in one narrow select (manager, department, the stored fraction, the
ratings), never the appraisals or their inputs. It costs about 0.2 s at 10,000 appraisals (the
JSON of every result is read), so the board loads it as its own section on demand.

The company mean is always the whole review's; the manager lines are those of the appraisals
in the filter's department subtree, one page of them (okr.paging), the largest differences first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from okr.domain.weights import plain_mean
from okr.extensions import db
from okr.org.models import Person
from okr.paging import Paging, page_of
from okr.reviews.models import Appraisal, Review
from okr.reviews.scoring import qualitative_part
from okr.schemes.format import TemplateSpec

LENIENCY_MARGIN = Decimal("0.1")


@dataclass
class Leniency:
    manager: Person | None
    rated: int
    mean: Decimal | None
    difference: Decimal | None
    lean: str  # lenient | harsh | ""


@dataclass
class LeniencyPage:
    lines: list[Leniency]
    paging: Paging
    company_mean: Decimal | None


def interview_fractions(
    review: Review, spec: TemplateSpec
) -> list[tuple[int | None, int, Decimal]]:
    """(manager id, department id, interview fraction) of each rated interview (one query)."""
    stored = Appraisal.result[("parts", "interview", "fraction")].as_string()
    rows = db.session.execute(
        select(
            Appraisal.manager_id,
            Appraisal.department_id,
            Appraisal.finalized_at.is_not(None),
            stored,
            Appraisal.interview_ratings,
        ).where(Appraisal.review_id == review.id)
    )
    found = []
    for manager_id, department_id, finalized, fraction, ratings in rows:
        if finalized:
            value = None if fraction is None else Decimal(fraction)
        else:
            value = qualitative_part(spec, "interview", dict(ratings or {})).fraction
        if value is not None:
            found.append((manager_id, department_id, value))
    return found


def _line(manager: Person | None, values: list[Decimal], company: Decimal | None) -> Leniency:
    mean = plain_mean(values).value
    difference = None if mean is None or company is None else mean - company
    lean = ""
    if difference is not None and difference > LENIENCY_MARGIN:
        lean = "lenient"
    elif difference is not None and difference < -LENIENCY_MARGIN:
        lean = "harsh"
    return Leniency(manager, len(values), mean, difference, lean)


def leniency_page(
    review: Review, spec: TemplateSpec, departments: frozenset[int] | None, page: int
) -> LeniencyPage:
    """One page of the managers' lines (in the departments, when chosen) and the company mean."""
    fractions = interview_fractions(review, spec)
    company = plain_mean([value for _m, _d, value in fractions]).value
    by_manager: dict[int | None, list[Decimal]] = defaultdict(list)
    for manager_id, department_id, value in fractions:
        if departments is None or department_id in departments:
            by_manager[manager_id].append(value)
    means = {key: _line(None, values, company) for key, values in by_manager.items()}
    keys = sorted(means, key=lambda k: (-(means[k].difference or Decimal(0)), k or 0))
    shown, paging = page_of(keys, page)
    people = db.session.scalars(select(Person).where(Person.id.in_([k for k in shown if k])))
    names = {p.id: p for p in people}
    lines = []
    for key in shown:
        means[key].manager = names.get(key) if key else None
        lines.append(means[key])
    return LeniencyPage(lines, paging, company)
