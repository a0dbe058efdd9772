"""The review-template edit form: parts, bands with quotas and plans, adjustments, criteria as JSON.

The form turns into the template dict that template_checks validates, and each problem found
comes back beside its field (``bands.2.min`` -> the third kept band row's threshold).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from okr.domain.numbers import HUNDRED, fmt
from okr.forms import DecimalText, options, required_number
from okr.schemes.checks import TemplateInvalid, fingerprint, validate
from okr.schemes.format import PARTS

# Forms -----------------------------------------------------------------------------------


class BandForm(Form):
    label = StringField(_l("Grade"), validators=[Optional(), Length(max=40)])
    min = DecimalText(_l("From (points)"))
    inclusive = SelectField(
        _l("Threshold"), choices=options([("1", _l("at least")), ("0", _l("above"))]), default="1"
    )
    quota = DecimalText(_l("Quota (%)"))
    plan = BooleanField(_l("Improvement plan"))


class KindForm(Form):
    key = StringField(_l("Key"), validators=[Optional(), Length(max=40)])
    label = StringField(_l("Label"), validators=[Optional(), Length(max=100)])
    points = DecimalText(_l("Points each"))
    min = DecimalText(_l("Or from"), description=_l("A range chosen when recorded, e.g. −5 to −1"))
    max = DecimalText(_l("to"))


class TemplateForm(FlaskForm):
    base = HiddenField()
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter a name.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    total_scale = DecimalText(_l("Total scale (points)"), validators=[required_number])
    attainment_cap = DecimalText(
        _l("Key-result attainment cap (%)"),
        validators=[required_number],
        description=_l("100 means no over-achievement; 120 lets a key result count up to 120%."),
    )
    min_peer_raters = StringField(_l("Minimum peer raters"), validators=[Optional()])
    weight_kr = DecimalText(_l("Key-result attainment (%)"))
    weight_peer = DecimalText(_l("Peer evaluation (%)"))
    weight_interview = DecimalText(_l("One-on-one interview (%)"))
    weight_self = DecimalText(_l("Self-assessment (%)"))
    criteria = TextAreaField(
        _l("Criteria (JSON)"),
        description=_l(
            "For each rated part, a list of {key, label, weight, scale}; weights sum to 100. See the documentation."
        ),
    )
    bands = FieldList(FormField(BandForm), min_entries=1, max_entries=12)
    kinds = FieldList(FormField(KindForm), max_entries=30)
    free_form = BooleanField(
        _l("Also allow free-form bonuses and deductions (any points, with a reason)")
    )
    bonus_cap = DecimalText(_l("Bonus cap (points)"), description=_l("Empty: no cap."))
    deduction_cap = DecimalText(_l("Deduction cap (points)"), description=_l("Empty: no cap."))


class ImportForm(FlaskForm):
    file = FileField(_l("Template file (.json)"))
    text = TextAreaField(_l("Or paste the JSON"))


class ButtonForm(FlaskForm):
    """A bare button carrying the CSRF token."""


# Form <-> template dict -----------------------------------------------------------------


def _text(number: Decimal | None) -> str | None:
    return None if number is None else fmt(number)


def criteria_text(criteria: dict[str, Any]) -> str:
    """The criteria as JSON for the text box: one criterion per line, easy to read and edit."""

    def line(item: Any) -> str:
        return json.dumps(item, ensure_ascii=False)

    parts = [
        f"  {line(part)}: [\n" + ",\n".join(f"    {line(item)}" for item in items) + "\n  ]"
        for part, items in criteria.items()
    ]
    return "{\n" + ",\n".join(parts) + "\n}" if parts else "{}"


def form_data(spec: dict[str, Any]) -> dict[str, Any]:
    """A stored spec as the edit form's values (caps and quotas in percent)."""
    adjustments = spec.get("adjustments") or {}
    quotas, plan = spec.get("quotas") or {}, set(spec.get("improvement_plan_grades") or [])
    return {
        "base": fingerprint(spec),
        "name": spec["name"],
        "description": spec.get("description", ""),
        "total_scale": spec.get("total_scale", "100"),
        "attainment_cap": fmt(Decimal(str(spec.get("attainment_cap", "1"))) * HUNDRED),
        "min_peer_raters": str(spec.get("min_peer_raters", 1)),
        **{f"weight_{p}": spec["parts"].get(p, "0") for p in PARTS},
        "criteria": criteria_text(spec.get("criteria") or {}),
        "bands": [
            {
                "label": b["label"],
                "min": b["min"],
                "inclusive": "0" if b.get("inclusive") is False else "1",
                "quota": fmt(Decimal(quotas[b["label"]]) * HUNDRED) if b["label"] in quotas else "",
                "plan": b["label"] in plan,
            }
            for b in spec["bands"]
        ],
        "kinds": adjustments.get("kinds") or [],
        "free_form": adjustments.get("free_form") is True,
        "bonus_cap": adjustments.get("bonus_cap") or "",
        "deduction_cap": adjustments.get("deduction_cap") or "",
    }


def spec_data(form: TemplateForm) -> dict[str, Any]:
    """The form as a template dict; rows left empty are dropped (the rows kept are remembered).

    Criteria that are not valid JSON are reported together with the form's other problems.
    """
    bands, kinds = _kept_rows(form)
    data = {
        "name": form.name.data or "",
        "description": form.description.data or "",
        "total_scale": _text(form.total_scale.number),
        "attainment_cap": _text(form.attainment_cap.number / HUNDRED),
        "min_peer_raters": (form.min_peer_raters.data or "1").strip(),
        "parts": {p: _text(getattr(form, f"weight_{p}").number) or "0" for p in PARTS},
        "criteria": {},
        **_band_fields(bands),
        "adjustments": {
            "kinds": [_kind_data(k) for k in kinds],
            "free_form": bool(form.free_form.data),
            "bonus_cap": _text(form.bonus_cap.number),
            "deduction_cap": _text(form.deduction_cap.number),
        },
    }
    data["criteria"] = _read_criteria(form, data)
    return data


def _kind_data(row: KindForm) -> dict[str, Any]:
    """A kind row: its points each, or the range typed instead of them."""
    kind: dict[str, Any] = {
        "key": (row.key.data or "").strip(),
        "label": (row.label.data or "").strip(),
    }
    if not (row.points.data or "").strip() and (row.min.data or row.max.data):
        return {**kind, "min": _text(row.min.number), "max": _text(row.max.number)}
    return {**kind, "points": _text(row.points.number)}


def _kept_rows(form: TemplateForm) -> tuple[list[BandForm], list[KindForm]]:
    """The band and adjustment rows with something typed in; their row numbers stay on the form."""
    bands = [
        (i, e.form)
        for i, e in enumerate(form.bands)
        if e.form.label.data or e.form.min.data or e.form.quota.data
    ]
    kinds = [
        (i, e.form)
        for i, e in enumerate(form.kinds)
        if e.form.key.data
        or e.form.label.data
        or e.form.points.data
        or e.form.min.data
        or e.form.max.data
    ]
    form.kept_bands, form.kept_kinds = [i for i, _b in bands], [i for i, _k in kinds]
    return [b for _i, b in bands], [k for _i, k in kinds]


def _band_fields(bands: list[BandForm]) -> dict[str, Any]:
    """The bands with the quotas and improvement-plan grades ticked on their rows."""
    return {
        "bands": [
            {
                "label": (b.label.data or "").strip(),
                "min": _text(b.min.number),
                "inclusive": b.inclusive.data != "0",
            }
            for b in bands
        ],
        "quotas": {
            (b.label.data or "").strip(): _text(b.quota.number / HUNDRED)
            for b in bands
            if b.quota.number is not None
        },
        "improvement_plan_grades": [(b.label.data or "").strip() for b in bands if b.plan.data],
    }


def _read_criteria(form: TemplateForm, data: dict[str, Any]) -> Any:
    """The criteria box as JSON; text that is not JSON is refused with the form's other problems."""
    try:
        return json.loads(form.criteria.data or "{}", parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as exc:
        problems = [("criteria", _("This is not valid JSON: %(error)s", error=str(exc)))]
        try:
            validate(data)
        except TemplateInvalid as others:
            problems += [p for p in others.problems if not p[0].startswith("criteria")]
        raise TemplateInvalid(problems) from exc


def attach_problems(form: TemplateForm, problems: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Each problem beside its field; those of a whole section are returned by section."""
    bands, kinds = getattr(form, "kept_bands", []), getattr(form, "kept_kinds", [])
    sections: dict[str, list[str]] = {"parts": [], "bands": [], "adjustments": []}
    labels = {e.form.label.data.strip(): e.form for e in form.bands if e.form.label.data}
    for place, message in problems:
        head, _sep, rest = place.partition(".")
        bits = rest.split(".")
        field = None
        if head in (
            "name",
            "description",
            "total_scale",
            "attainment_cap",
            "min_peer_raters",
            "criteria",
        ):
            field = form[head]
        elif head == "parts" and rest:
            field = form[f"weight_{rest}"]
        elif head == "bands" and rest and int(bits[0]) < len(bands):
            row = form.bands.entries[bands[int(bits[0])]].form
            field = row[bits[1]] if len(bits) > 1 else row.label
        elif head == "quotas" and rest in labels:
            field = labels[rest].quota
        elif head == "adjustments" and bits[0] in ("bonus_cap", "deduction_cap", "free_form"):
            field = form[bits[0]]
        elif head == "adjustments" and bits[0] == "kinds" and int(bits[1]) < len(kinds):
            field = form.kinds.entries[kinds[int(bits[1])]].form[bits[2]]
        if field is not None:
            field.errors = [*field.errors, message]
        elif head in sections:
            sections[head].append(message)
        else:
            form.form_errors.append(message)
    return sections


def criteria_preview(form: TemplateForm) -> Any:
    """The criteria typed in the text box, when they read as JSON, for the preview table."""
    try:
        value = json.loads(form.criteria.data or "{}")
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
