"""The flags page (HR only): people low for N cycles in a row, by a rule chosen on the page."""

from __future__ import annotations

from flask import Response, request
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from okr.access import admin_required
from okr.flags import queries as flags
from okr.flags.blueprint import bp
from okr.forms import DecimalText, options
from okr.people.filters import ListFilterForm, checked, subtree
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


@bp.get("")
@admin_required
def index() -> Response:
    """One page of the people a rule flags; the seeds' rule until another is asked for."""
    asked = request.args.copy()
    asked.pop("page", None)
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
    page = flags.flag_page(rule, subtree(form.department_id), request.args.get("page", 1, type=int))
    return render("flags/index.html", block="view", form=form, page=page)
