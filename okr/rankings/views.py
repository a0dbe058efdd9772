"""Ranking lists: finalized results ranked inside each department, on a page and as XLSX.

HR sees everyone; a manager sees the people they manage (directly or below). Ranks are always
department ranks, whoever looks and whatever is filtered. The lists are filtered by department
(and the departments below it), final grade and release, and paged by whole departments
(okr.rankings.queries); results.xlsx holds every result the filters leave, on one sheet.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from flask import Response, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from wtforms import SelectField
from wtforms.validators import Optional

from okr.access import ensure
from okr.calibration.board import load_review
from okr.forms import options
from okr.people.filters import ListFilterForm, checked, subtree
from okr.rankings.blueprint import bp
from okr.rankings.queries import (
    RELEASED,
    UNRELEASED,
    RankingFilter,
    RankingGroup,
    RankingPage,
    ranking_groups,
    ranking_page,
    ranks_anyone,
    seen_by,
)
from okr.reviews.models import Review
from okr.reviews.services import spec_of
from okr.schemes.format import TemplateSpec, counted_parts, part_label
from okr.tables import neutralise
from okr.web import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCORE_FORMAT = "0.00"  # display rounding only; the cell holds the exact value


class RankingFilterForm(ListFilterForm):
    """Which results the ranking lists and results.xlsx show (ranks stay department ranks)."""

    grade = SelectField(_l("Final grade"), validators=[Optional()])
    status = SelectField(
        _l("Released"),
        choices=options([("", _l("All")), (RELEASED, _l("released")), (UNRELEASED, _l("not yet"))]),
        validators=[Optional()],
    )


def _scope(review_id: int) -> tuple[Review, TemplateSpec, RankingFilterForm, RankingFilter | None]:
    """The review, its template, the filter form and the filter (None when refused); 403 when
    the viewer may rank nobody in the review."""
    review = load_review(review_id)
    seen = seen_by(review, current_user)
    ensure(current_user.is_admin or ranks_anyone(seen))
    spec = spec_of(review.template)
    form = RankingFilterForm(request.args)
    form.grade.choices = options([("", _("All")), *((g, g) for g in spec.band_labels())])
    if not checked(form):
        return review, spec, form, None
    chosen = RankingFilter(
        seen, subtree(form.department_id), form.grade.data or None, form.status.data or None
    )
    return review, spec, form, chosen


def _page(
    review: Review, spec: TemplateSpec, form: RankingFilterForm, page: RankingPage | None
) -> Response:
    """The lists (or, with `page` None, the refused filter: 422)."""
    return render(
        "rankings/index.html",
        block="view",
        status=422 if page is None else 200,
        review=review,
        spec=spec,
        parts=counted_parts(spec),
        form=form,
        filters={k: v for k, v in request.args.items() if k != "page" and v},
        page=page,
    )


@bp.get("/rankings")
@login_required
def index(review_id: int) -> Response:
    review, spec, form, chosen = _scope(review_id)
    if chosen is None:
        return _page(review, spec, form, None)
    page = ranking_page(review, chosen, request.args.get("page", 1, type=int))
    return _page(review, spec, form, page)


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
    """Every result the viewer may rank (the filters applied), one row each."""
    review, spec, form, chosen = _scope(review_id)
    if chosen is None:
        return _page(review, spec, form, None)
    groups = ranking_groups(review, chosen)
    return send_file(
        io.BytesIO(results_workbook(spec, groups)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"review-{review.id}-results.xlsx",
    )
