"""results.xlsx: every result a viewer may rank, one row each; built in the request when it is
small, else by an "export.results" job (okr.jobs.exports) from the same parameters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from okr.calibration.board import load_review
from okr.extensions import db
from okr.files.xlsx import SheetLayout, write_sheet
from okr.flags.carry import carried_in
from okr.jobs.exports import XLSX, Export, export_kind
from okr.org.models import Person
from okr.people.filters import subtree
from okr.rankings.queries import RankingFilter, RankingGroup, ranking_groups, seen_by
from okr.reviews.models import Review
from okr.reviews.outcome_results import (
    CompanyRanks,
    HighestValues,
    needs_company_rank,
    outcome_cells,
    outcome_headers,
    outcomes_of,
)
from okr.reviews.services import spec_of
from okr.schemes.format import TemplateSpec, counted_parts
from okr.tables import neutralise

RESULTS = "export.results"
SCORE_FORMAT = "0.00"  # display rounding only; the cell holds the exact value


def results_params(
    review: Review, viewer: Person, department_id: int | None, chosen: RankingFilter
) -> dict[str, Any]:
    """What a job needs to build the same file: who asks and the filters, as plain values."""
    return {
        "review_id": review.id,
        "viewer_id": viewer.id,
        "department_id": department_id,
        "grade": chosen.grade,
        "status": chosen.status,
    }


@export_kind(RESULTS, _l("Results export (XLSX)"), concurrency=2)
def build_results(params: dict[str, Any]) -> Export:
    """The workbook of the results the viewer may rank, the filters applied."""
    review = load_review(params["review_id"])
    viewer = db.session.get_one(Person, params["viewer_id"])
    chosen = RankingFilter(
        seen_by(review, viewer), subtree(params["department_id"]), params["grade"], params["status"]
    )
    content = results_workbook(spec_of(review.template), review, ranking_groups(review, chosen))
    return Export(f"review-{review.id}-results.xlsx", XLSX, content)


def results_workbook(spec: TemplateSpec, review: Review, groups: list[RankingGroup]) -> bytes:
    """One row per person: numbers as numbers (scores shown to two places, the cell exact),
    text neutralised against formulas, and a column per reward or penalty rule of the template
    (its amount where it applies, so HR can sum and pay it).

    Streamed as the sheet's XML in one pass (okr.files.xlsx): openpyxl's write-only mode, linear
    already, still took 8 s for 10,000 people.
    """
    parts = counted_parts(spec)
    header = (
        [_("Department"), _("Person"), _("Position"), _("Manager")]
        + [spec.part_label(p) for p in parts]
        + [_("Composite"), _("Grade"), _("Final grade"), _("Rank"), _("Released")]
        + [neutralise(h) for h in outcome_headers(spec)]
        + ([_("Streak rule points carried")] if _carries(spec) else [])
    )
    scores = range(5, 5 + len(parts) + 1)  # each part's points, then the composite
    layout = SheetLayout(formats=dict.fromkeys(scores, SCORE_FORMAT))
    row_of = _row_maker(spec, review, parts)
    return write_sheet(_("Results"), header, (row_of(g, r) for g in groups for r in g.rows), layout)


def _carries(spec: TemplateSpec) -> bool:
    """Whether the template has a streak rule whose points are carried into the next period."""
    return any(rule.points is not None for rule in spec.domain.streaks)


def _row_maker(spec: TemplateSpec, review: Review, parts: list[str]) -> Callable[..., list[Any]]:
    yes, no = _("yes"), _("no")
    rules = spec.domain.outcomes
    ranks = CompanyRanks(review.id) if needs_company_rank(spec) else None
    tops = HighestValues(spec, review.id)
    carried = carried_in(review) if _carries(spec) else None

    def row_of(group: RankingGroup, row: Any) -> list[Any]:
        a = row.appraisal
        text = [group.department.name, a.person.name, a.person.position]
        text.append(a.manager.name if a.manager else "")
        cells = (
            [neutralise(t) for t in text]
            + [row.points.get(p) for p in parts]
            + [row.composite]
            + [neutralise(a.grade or ""), neutralise(a.final_grade or "")]
            + [row.rank, yes if a.released_at else no]
        )
        if rules:
            company = ranks.of(a) if ranks else None
            grade = a.final_grade or a.grade
            found = outcomes_of(spec, a, row.composite, grade, company, tops.of(a))
            cells += outcome_cells(rules, found)
        if carried is not None:  # a streak rule's points, in the composite already
            cells.append(carried.get(a.person_id))
        return cells

    return row_of
