"""The review-template edit form as a template dict and back.

The form turns into the template dict that template_checks validates, and each problem found
comes back beside its field (``bands.2.min`` -> the third kept band row's threshold, and
``bands.0.require.level`` -> that row's condition level).
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from okr.domain.numbers import HUNDRED, fmt
from okr.review_templates.forms import BandForm, KindForm, TemplateForm
from okr.schemes.checks import TemplateInvalid, fingerprint, validate
from okr.schemes.format import PARTS


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
                **_condition_fields(b.get("require")),
            }
            for b in spec["bands"]
        ],
        "kinds": adjustments.get("kinds") or [],
        "free_form": adjustments.get("free_form") is True,
        "bonus_cap": adjustments.get("bonus_cap") or "",
        "deduction_cap": adjustments.get("deduction_cap") or "",
    }


def _condition_fields(condition: dict[str, Any] | None) -> dict[str, str]:
    if not condition:
        return {"require_part": "", "require_count": "", "require_level": ""}
    count = str(condition.get("count", "all"))
    return {
        "require_part": condition["part"],
        "require_count": "" if count == "all" else count,
        "require_level": str(condition["level"]),
    }


def _condition_data(row: BandForm) -> dict[str, Any]:
    """A band row's condition, when a part is chosen; checked with the rest of the template."""
    if not row.require_part.data:
        return {}
    count = (row.require_count.data or "").strip() or "all"
    return {
        "require": {
            "part": row.require_part.data,
            "level": _text(row.require_level.number) or (row.require_level.data or ""),
            "count": count,
        }
    }


def spec_data(form: TemplateForm, stored: dict[str, Any]) -> dict[str, Any]:
    """The stored template with the form's fields put over it; rows left empty are dropped (the
    rows kept are remembered).

    Everything the form does not show (json_only_parts: sections, outcomes, streaks, roll-ups,
    the composite kind, the weights of sections and roll-ups) is kept exactly as stored, and
    the quotas and plan grades keep their stored order, so saving the form unchanged changes
    nothing. Criteria that are not valid JSON are reported with the form's other problems.
    """
    bands, kinds = _kept_rows(form)
    data = copy.deepcopy(stored)
    typed = {p: _text(getattr(form, f"weight_{p}").number) or "0" for p in PARTS}
    parts = {
        **{p: w for p, w in typed.items() if p in stored.get("parts", {}) or w != "0"},
        **{p: w for p, w in stored.get("parts", {}).items() if p not in PARTS},
    }
    data |= {
        "name": form.name.data or "",
        "description": form.description.data or "",
        "total_scale": _text(form.total_scale.number),
        "attainment_cap": _text(form.attainment_cap.number / HUNDRED),
        "min_peer_raters": (form.min_peer_raters.data or "1").strip(),
        "parts": parts,
        "criteria": {},
        **_band_fields(bands, stored),
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


def _in_stored_order(found: list[str], stored: list[str]) -> list[str]:
    """The labels found, those already stored first in their stored order, then the new ones."""
    return [s for s in stored if s in found] + [f for f in found if f not in stored]


def _band_fields(bands: list[BandForm], stored: dict[str, Any]) -> dict[str, Any]:
    """The bands with the quotas and improvement-plan grades ticked on their rows."""
    fields = _typed_bands(bands)
    quotas = fields["quotas"]
    order = _in_stored_order(list(quotas), list(stored.get("quotas") or {}))
    fields["quotas"] = {label: quotas[label] for label in order}
    plans = stored.get("improvement_plan_grades") or []
    fields["improvement_plan_grades"] = _in_stored_order(fields["improvement_plan_grades"], plans)
    return fields


def _typed_bands(bands: list[BandForm]) -> dict[str, Any]:
    return {
        "bands": [
            {
                "label": (b.label.data or "").strip(),
                "min": _text(b.min.number),
                "inclusive": b.inclusive.data != "0",
                **_condition_data(b),
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
            name = f"require_{bits[2]}" if bits[1:2] == ["require"] and len(bits) > 2 else None
            field = row[name or bits[1]] if len(bits) > 1 else row.label
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


def json_only_parts(spec: dict[str, Any]) -> list[str]:
    """The parts of a template the form does not show (kept as stored when it is saved)."""
    found = [
        (spec.get("composite") == "points", _("the points composite (a scorecard)")),
        (bool(spec.get("sections")), _("scorecard sections")),
        (bool(spec.get("outcomes")), _("rewards and penalties")),
        (bool(spec.get("streaks")), _("streak rules")),
        (bool(spec.get("rollups")), _("roll-ups over cycles")),
    ]
    return [words for present, words in found if present]
