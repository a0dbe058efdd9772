"""Words for the codes stored in OKR rows, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

from okr.domain.numbers import fmt, quantity, round_display

PROGRESS_RULES = [
    ("own_krs", _l("Its own key results")),
    ("children", _l("The objectives aligned to it")),
    ("both", _l("Both: the mean of the two")),
]


KR_KINDS = [
    ("increase", _l("Increase from start to target")),
    ("decrease", _l("Decrease from start to target")),
    ("at_least", _l("Keep at least the target")),
    ("at_most", _l("Keep at most the target")),
    ("ratio", _l("Ratio of the target (from zero)")),
    ("milestone", _l("Milestone: done or not done")),
    ("per_unit", _l("Points per unit, with a cap")),
    ("tiers", _l("Points by tiers")),
]
HOLD_KINDS = ("at_least", "at_most")
HOLD_SCORINGS = [
    ("pass_fail", _l("Met or not met (1 or 0)")),
    ("proportional", _l("Partial credit short of the target")),
]
HOLD_EDGES = [
    ("inclusive", _l("Inclusive: the target itself counts (≥, ≤)")),
    ("strict", _l("Strict: only beyond the target (>, <)")),
]
_HOLD_SIGNS = {("at_least", False): "≥", ("at_least", True): ">"}
_HOLD_SIGNS |= {("at_most", False): "≤", ("at_most", True): "<"}


CONFIDENCE_CHOICES = [
    ("on_track", _l("On track")),
    ("at_risk", _l("At risk")),
    ("off_track", _l("Off track")),
]

STATUS_LABELS = {
    "planning": _l("planning"),
    "running": _l("running"),
    "reviewing": _l("reviewing"),
    "closed": _l("closed"),
    "draft": _l("draft"),
    "submitted": _lp("objective status", "submitted"),
    "approved": _l("approved"),
    "returned": _l("returned"),
}
LEVEL_LABELS = {
    "company": _l("Company"),
    "department": _l("Department"),
    "individual": _l("Individual"),
}
CONFIDENCE_LABELS = dict(CONFIDENCE_CHOICES)
KIND_LABELS = dict(KR_KINDS)
RULE_LABELS = dict(PROGRESS_RULES)
CHANGE_LABELS = {
    "edited": _l("edited the objective"),
    "kr_added": _l("added a key result"),
    "kr_edited": _l("changed a key result"),
    "kr_removed": _l("removed a key result"),
    "submitted": _l("submitted for approval"),
    "approved": _l("approved"),
    "returned": _l("returned with a comment"),
    "reopened": _l("withdrew the approval: the checks no longer pass"),
}
FIELD_LABELS = {
    "title": _l("Title"),
    "description": _l("Description"),
    "weight": _l("Weight"),
    "parent_id": _l("Aligns to"),
    "progress_rule": _l("Progress comes from"),
    "unit": _l("Unit"),
    "kind": _l("Kind"),
    "start": _l("Start"),
    "target": _l("Target"),
    "step": _l("Per how many units"),
    "points_per_step": _l("Points per step"),
    "direction": _l("Counts when the value"),
    "max_points": _l("At most (points)"),
    "tiers": _l("Tiers"),
    "hold_scoring": _l("Scoring"),
    "hold_strict": _l("Edge"),
    "aspect": _l("Measures"),
    "due_on": _l("Due date"),
}
ASPECTS = [
    ("quantity", _l("Quantity")),
    ("quality", _l("Quality")),
    ("time", _l("Time limit")),
]
"""What a key result measures of its goal (seed 002: 数量目标、质量目标、时限目标)."""
ASPECT_LABELS = dict(ASPECTS)
SCORING_LABELS = dict(HOLD_SCORINGS)
EDGE_LABELS = dict(HOLD_EDGES)
PERCENT_PLACES = 1


def aspect_label(code: str | None) -> str:
    """What a key result measures of its goal, in words ("" when untagged)."""
    return str(ASPECT_LABELS.get(code, code)) if code else ""


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


def level_label(code: str) -> str:
    return str(LEVEL_LABELS.get(code, code))


def confidence_label(code: str | None) -> str:
    return str(CONFIDENCE_LABELS.get(code, "")) if code else ""


def kind_label(code: str) -> str:
    return str(KIND_LABELS.get(code, code))


def progress_rule_label(code: str) -> str:
    return str(RULE_LABELS.get(code, code))


def change_label(code: str) -> str:
    return str(CHANGE_LABELS.get(code, code))


def field_label(code: str) -> str:
    """The name of a changed field in an audit line."""
    return str(FIELD_LABELS.get(code, code))


def hold_edge(kind: str, target: Decimal | str | None, unit: str, strict: bool) -> str:
    """A hold target with its edge as written: "≥ 3%", "> 5%", "≤ 2处", "< 60 s"."""
    return f"{_HOLD_SIGNS[(kind, bool(strict))]} {quantity(target, unit)}"


def hold_rule(
    kind: str, target: Decimal | str | None, unit: str, scoring: str | None, strict: bool
) -> str:
    """A hold key result's rule in words: "≥ 3%, met or not", "> 5%, met or not",
    "≥ 3%, partial credit below"; empty for the other kinds."""
    if kind not in HOLD_KINDS:
        return ""
    edge = hold_edge(kind, target, unit, strict)
    if scoring == "proportional":
        if kind == "at_least":
            return _("%(edge)s, partial credit below", edge=edge)
        return _("%(edge)s, partial credit above", edge=edge)
    return _("%(edge)s, met or not", edge=edge)


def kr_rule(kr: Any) -> str:
    """`hold_rule` of a key result row or of a template's stored key result (a dict)."""
    get = kr.get if isinstance(kr, Mapping) else lambda name: getattr(kr, name, None)
    return hold_rule(
        get("kind"), get("target"), get("unit") or "", get("hold_scoring"), bool(get("hold_strict"))
    )


def kind_rule(kr: Any) -> str:
    """The kind's name, and for a hold kind its rule: "Keep at least the target: > 5%, met or not"."""
    kind = kr.get("kind") if isinstance(kr, Mapping) else kr.kind
    rule = kr_rule(kr)
    return _("%(kind)s: %(rule)s", kind=kind_label(kind), rule=rule) if rule else kind_label(kind)


def kind_rule_due(kr: Any) -> str:
    """`kind_rule`, then what it measures and its due date (a time target: scored from the value
    on that day), for the record's key-result lines; unchanged for a key result without them."""
    parts = [kind_rule(kr)]
    if kr.aspect:
        parts.append(aspect_label(kr.aspect))
    if kr.due_on is not None:
        day = format_date(kr.due_on, "medium")
        if kr.aspect == "time":
            value = quantity(kr.due_value, kr.unit) if kr.due_value is not None else "—"
            parts.append(_("due %(day)s, scored from %(value)s on that day", day=day, value=value))
        else:
            parts.append(_("due %(day)s", day=day))
    return " · ".join(parts)


def change_value(field: str, value: Any) -> str:
    """A value in an audit line: a kind, hold rule or aspect in words, anything else as stored."""
    if field == "kind":
        return kind_label(value)
    if field == "hold_scoring":
        return str(SCORING_LABELS.get(value, value or "—"))
    if field == "hold_strict":
        return str(EDGE_LABELS["strict" if value else "inclusive"])
    if field == "aspect":
        return aspect_label(value) or "—"
    return "" if value is None else str(value)


def pct(fraction: Decimal | None) -> str:
    """A progress fraction as a percentage rounded half up to one decimal (the one display rounding)."""
    if fraction is None:
        return "—"
    return f"{fmt(round_display(fraction * 100, PERCENT_PLACES))}%"


def num(value: Decimal | None) -> str:
    """An exact stored number, without trailing zeros."""
    return "" if value is None else fmt(value)


def register(app) -> None:  # type: ignore[no-untyped-def]
    """Make the labels and number formats available to every template."""
    app.add_template_global(status_label)
    app.add_template_global(level_label)
    app.add_template_global(confidence_label)
    app.add_template_global(kind_label)
    app.add_template_global(progress_rule_label)
    app.add_template_global(change_label)
    app.add_template_global(field_label)
    app.add_template_global(change_value)
    app.add_template_global(kr_rule)
    app.add_template_global(kind_rule)
    app.add_template_filter(pct)
    app.add_template_filter(num)
    app.add_template_filter(quantity)  # {{ kr.current|quantity(kr.unit) }}: 65%, 1200元, 60 s
