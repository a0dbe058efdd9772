"""Words for the codes stored in OKR rows, in the reader's language."""

from __future__ import annotations

from decimal import Decimal

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
}
PERCENT_PLACES = 1


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
    app.add_template_filter(pct)
    app.add_template_filter(num)
    app.add_template_filter(quantity)  # {{ kr.current|quantity(kr.unit) }}: 65%, 1200元, 60 s
