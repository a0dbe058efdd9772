"""Ranking lists: finalized results ranked inside each department, on a page and as XLSX.

HR sees everyone; a manager sees the people they manage (directly or below). Ranks are always
department ranks, whoever looks and whatever is filtered. The lists are filtered by department
(and the departments below it), final grade and release, and paged by whole departments
(okr.rankings.queries); results.xlsx holds every result the filters leave, on one sheet.
"""

from __future__ import annotations

from flask import Response, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectField
from wtforms.validators import Optional

from okr.access import ensure
from okr.calibration.board import load_review
from okr.forms import options
from okr.jobs.exports import export_response
from okr.people.filters import ListFilterForm, checked, subtree
from okr.rankings.blueprint import bp
from okr.rankings.export import RESULTS, build_results, results_params
from okr.rankings.queries import (
    RELEASED,
    UNRELEASED,
    RankingFilter,
    RankingPage,
    department_sizes,
    ranking_page,
    ranks_anyone,
    seen_by,
)
from okr.reviews.models import Review
from okr.reviews.services import spec_of
from okr.schemes.format import TemplateSpec, counted_parts
from okr.web import render


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


@bp.route("/results.xlsx", methods=["GET", "POST"])
@login_required
def export(review_id: int) -> Response:
    """Every result the viewer may rank (the filters applied), one row each; many as a job."""
    review, spec, form, chosen = _scope(review_id)
    if chosen is None:
        return _page(review, spec, form, None)
    rows = sum(n for _department, n in department_sizes(chosen))
    params = results_params(review, current_user, form.department_id, chosen)
    return export_response(RESULTS, params, rows, build_results)
