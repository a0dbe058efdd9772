"""The flags page (HR only): people low for N cycles in a row, by a rule chosen on the page."""

from __future__ import annotations

from flask import Response, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from okr.access import admin_required
from okr.flags import queries as flags
from okr.flags.blueprint import bp
from okr.forms import DecimalText, options
from okr.web import render


class RuleForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter: it reads, never writes

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
    form = RuleForm(formdata=request.args or None)
    specs = flags.template_specs()
    levels = flags.grade_levels(specs)
    form.level.choices = options([("", "—"), *((label, label) for label in levels)])
    if request.args and not form.validate():
        return render("flags/index.html", form=form, flagged=None, status=422)
    below = form.below.number if request.args else flags.DEFAULT_BELOW
    rule = (form.cycles.data, below, form.inclusive.data, form.level.data or None)
    flagged = flags.flagged(specs, *rule)
    return render("flags/index.html", form=form, flagged=flagged)
