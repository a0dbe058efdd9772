"""Ranking lists: finalized results ranked inside each department, on a page and as XLSX.

HR sees everyone; a manager sees the people they manage (directly or below). Ranks are always
department ranks, whoever looks.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from flask import Response, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from okr.access import ensure
from okr.calibration.board import load_review
from okr.rankings.blueprint import bp
from okr.rankings.queries import RankingGroup, ranking_lists
from okr.reviews.models import Review
from okr.reviews.services import spec_of
from okr.schemes.format import TemplateSpec, counted_parts, part_label
from okr.tables import neutralise
from okr.web import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCORE_FORMAT = "0.00"  # display rounding only; the cell holds the exact value


def _scope(review_id: int) -> tuple[Review, TemplateSpec, list[RankingGroup], int]:
    review = load_review(review_id)
    groups, waiting, in_scope = ranking_lists(review, current_user)
    ensure(current_user.is_admin or in_scope)
    return review, spec_of(review.template), groups, waiting


@bp.get("/rankings")
@login_required
def index(review_id: int) -> Response:
    review, spec, groups, waiting = _scope(review_id)
    return render(
        "rankings/index.html",
        review=review,
        spec=spec,
        parts=counted_parts(spec),
        groups=groups,
        waiting=waiting,
    )


def results_workbook(spec: TemplateSpec, groups: list[RankingGroup]) -> bytes:
    """One row per person: numbers as numbers, text neutralised against formulas.

    Written in openpyxl's write-only mode: each row is streamed once (linear in the rows; the
    cell-by-cell sheet re-measured itself on every row and grew quadratic at 10,000 people).
    """
    parts = counted_parts(spec)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Results")[:31])
    sheet.append(
        [_("Department"), _("Person"), _("Position"), _("Manager")]
        + [part_label(p) for p in parts]
        + [_("Composite"), _("Grade"), _("Final grade"), _("Rank"), _("Released")]
    )
    for group in groups:
        for row in group.rows:
            sheet.append(_result_row(sheet, group, row, parts))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _result_row(sheet: Any, group: RankingGroup, row: Any, parts: list[str]) -> list[Any]:
    a = row.appraisal
    text = [group.department.name, a.person.name, a.person.position]
    text.append(a.manager.name if a.manager else "")
    scores = [_score_cell(sheet, row.points.get(p)) for p in parts]
    return (
        [neutralise(t) for t in text]
        + scores
        + [_score_cell(sheet, row.composite)]
        + [neutralise(a.grade or ""), neutralise(a.final_grade or "")]
        + [row.rank, _("yes") if a.released_at else _("no")]
    )


def _score_cell(sheet: Any, value: Decimal | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = SCORE_FORMAT
    return cell


@bp.get("/results.xlsx")
@login_required
def export(review_id: int) -> Response:
    review, spec, groups, _waiting = _scope(review_id)
    return send_file(
        io.BytesIO(results_workbook(spec, groups)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"review-{review.id}-results.xlsx",
    )
