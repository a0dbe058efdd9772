"""The alignment tree: company -> department -> individual objectives, expanded one level at a time."""

from __future__ import annotations

from flask import Response, abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from okr.access import ensure
from okr.alignment import queries as alignment
from okr.alignment.blueprint import bp
from okr.cycles.models import Cycle
from okr.cycles.queries import chosen_cycle, cycles
from okr.extensions import db
from okr.forms import optional_int, options
from okr.labels import status_label
from okr.objectives import access
from okr.objectives.models import Objective
from okr.org.filters import department_field, read_department
from okr.web import render


class AlignmentFilterForm(FlaskForm):
    """Which cycle, and optionally which department or person, the tree shows."""

    class Meta:
        csrf = False

    cycle = SelectField(_l("Cycle"), coerce=optional_int, validate_choice=False)
    department = department_field()
    person = SearchField(
        _l("Person"),
        validators=[Optional(), Length(max=100, message=_l("Type at most 100 characters."))],
    )


def _filters(cycle: Cycle) -> tuple[AlignmentFilterForm, bool]:
    form = AlignmentFilterForm(request.args)
    form.cycle.choices = options((c.id, f"{c.label} · {status_label(c.status)}") for c in cycles())
    form.cycle.data = cycle.id
    valid = form.validate()
    form.department_id = read_department(form.department) if valid else None
    return form, valid and not form.department.errors


@bp.get("/")
@login_required
def index() -> Response:
    """The tree's top (company objectives) and the unaligned objectives, or what a filter matches."""
    cycle = chosen_cycle(request.args.get("cycle", type=int))
    if cycle is None:
        if request.args.get("cycle"):
            abort(404)
        return render("objectives/no_cycle.html")
    form, valid = _filters(cycle)
    data = None
    if valid:
        data = alignment.alignment_page(
            cycle,
            access.readable_clause(current_user),
            department_id=form.department_id,
            person=form.person.data or "",
            page=request.args.get("page", 1, type=int),
        )
    return render(
        "alignment/index.html",
        block="view",
        status=200 if valid else 422,
        cycle=cycle,
        form=form,
        data=data,
    )


@bp.get("/objectives/<int:objective_id>/children")
@login_required
def children(objective_id: int) -> Response:
    """The objectives aligned to one objective: a fragment for the tree, or a page without JS."""
    parent = db.get_or_404(
        Objective,
        objective_id,
        options=[db.joinedload(Objective.owner), db.joinedload(Objective.cycle)],
    )
    ensure(access.can_read(current_user, parent))
    nodes, paging = alignment.children(
        parent.id, access.readable_clause(current_user), request.args.get("page", 1, type=int)
    )
    return render(
        "alignment/children.html", block="children", parent=parent, nodes=nodes, paging=paging
    )
