"""The flags page (HR only): people low for N cycles in a row, by a rule chosen on the page."""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from okr.access import admin_required
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.flags import queries as flags
from okr.flags import streak_rules
from okr.flags.blueprint import bp
from okr.flags.models import StreakAction
from okr.forms import ActionForm, DecimalText, options
from okr.paging import Paging
from okr.people.filters import ListFilterForm, checked, subtree
from okr.reviews.models import Appraisal
from okr.web import render


class RuleForm(ListFilterForm):
    """The rule (a GET filter: it reads, never writes) and the department looked at."""

    cycles = IntegerField(
        _l("Cycles in a row"),
        default=flags.DEFAULT_CYCLES,
        validators=[
            InputRequired(_l("Enter a whole number of cycles.")),
            NumberRange(1, 24, _l("Between 1 and 24 cycles.")),
        ],
    )
    below = DecimalText(
        _l("Composite below"),
        minimum=0,
        maximum=1000,
        default=str(flags.DEFAULT_BELOW),
        description=_l("On each review's own scale; leave empty to go by grade only."),
    )
    inclusive = BooleanField(_l("Count a composite equal to it as low too"))
    level = SelectField(_l("Or final grade at or below"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        ok = super().validate(extra_validators)
        if ok and self.below.number is None and not self.level.data:
            self.below.errors.append(str(_l("Give a composite threshold, a grade, or both.")))
            return False
        return ok


class StreakActForm(ActionForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


def _streak_page(specs, departments, number: int):  # type: ignore[no-untyped-def]
    """One page of the met template streak rules, with their acts."""
    met = streak_rules.met_streaks(specs, departments)
    per_page = current_app.config["PAGE_SIZE"]
    pages = max(-(-len(met) // per_page), 1)
    number = min(max(number, 1), pages)
    shown = streak_rules.with_actions(met[(number - 1) * per_page : number * per_page])
    return shown, Paging(number, pages, len(met), per_page)


@bp.get("")
@admin_required
def index() -> Response:
    """One page of the people a rule flags; the seeds' rule until another is asked for."""
    return _index()


RULE_FIELDS = ("cycles", "below", "inclusive", "level", "department")
"""The query arguments the rule form reads; any other (a page number, a stray one) is ignored."""


def _page_args() -> dict[str, str]:
    """The page's query arguments the page reads (the rule, the department, the two pages)."""
    known = (*RULE_FIELDS, "page", "streaks_page")
    return {k: v for k, v in request.args.items() if k in known}


def _index(status: int = 200, problem: str | None = None) -> Response:
    """The page for the query arguments sent: a refused act or undo posts them too, so it draws
    the same page with its pagers."""
    asked = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k in RULE_FIELDS])
    form = RuleForm(formdata=asked or None)
    specs = flags.template_specs()
    levels = flags.grade_levels(specs)
    form.level.choices = options([("", "—"), *((label, label) for label in levels)])
    if asked and not checked(form):
        return render("flags/index.html", block="view", form=form, page=None, status=422)
    below = form.below.number if asked else flags.DEFAULT_BELOW
    rule = flags.rule_of(
        specs, form.cycles.data, below, form.inclusive.data, form.level.data or None
    )
    departments = subtree(form.department_id)
    page = flags.flag_page(rule, departments, request.args.get("page", 1, type=int))
    met, met_paging = _streak_page(
        specs, departments, request.args.get("streaks_page", 1, type=int)
    )
    return render(
        "flags/index.html",
        block="view",
        form=form,
        page=page,
        met=met,
        met_paging=met_paging,
        met_args={k: v for k, v in _page_args().items() if k != "streaks_page"},
        page_args=_page_args(),
        act_form=StreakActForm(),
        problem=problem,
        status=status,
    )


@bp.post("/streaks/<int:appraisal_id>/<key>/act")
@admin_required
def act(appraisal_id: int, key: str) -> Response:
    """HR records a met streak's consequence as acted on (who, when, a note)."""
    appraisal = db.session.get(Appraisal, appraisal_id) or abort(404)
    form = StreakActForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _index(422, _("The note is too long (at most 2000 characters)."))
    try:
        streak_rules.act(
            flags.template_specs(),
            appraisal,
            key,
            (form.note.data or "").strip(),
            current_user,
            form.opened_version,
        )
    except Invalid as exc:
        db.session.rollback()
        message = exc.errors.get("carry") or _("This streak rule is not met by that run any more.")
        return _index(422, message)
    except StaleEdit:
        db.session.rollback()
        return _index(409, _("Someone acted on this streak meanwhile; the page shows it now."))
    return redirect(url_for(".index", **_page_args()), code=303)


@bp.post("/streaks/actions/<int:action_id>/undo")
@admin_required
def undo(action_id: int) -> Response:
    """HR undoes an act (who, when); the row stays, the consequence is no longer in force."""
    action = db.session.scalar(select(StreakAction).where(StreakAction.id == action_id))
    if action is None:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _index(422, _("The form expired; reload the page."))
    try:
        streak_rules.undo(action, current_user, form.opened_version)
    except Invalid as exc:
        db.session.rollback()
        return _index(422, exc.errors["carry"])
    except StaleEdit:
        db.session.rollback()
        return _index(409, _("Someone changed this act meanwhile; the page shows it now."))
    return redirect(url_for(".index", **_page_args()), code=303)
