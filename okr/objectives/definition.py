"""A key result's definition: the data it is written from and the checks every path runs.

The form, KR templates and their application all write a key result through `apply_definition`,
so a rule refused in one place is refused in all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from okr.cycles.models import Cycle
from okr.domain.errors import DomainError, InvalidSpec
from okr.domain.krspec import HOLD_KINDS, HoldScoring, ensure_valid_spec
from okr.domain.numbers import HUNDRED, ZERO, check_range
from okr.domain.steps import Issue, Severity
from okr.errors import Invalid
from okr.explain import describe, error_message
from okr.objectives.due import check_kr_dates
from okr.objectives.models import KeyResult
from okr.objectives.rules import definition_unit_problems, spec_of

SPEC_FIELDS = (
    "kind",
    "start",
    "target",
    "step",
    "points_per_step",
    "direction",
    "max_points",
    "tiers",
    "hold_scoring",
    "hold_strict",
)
_ISSUE_FIELD = {
    "spec.increase_start_equals_target": "target",
    "spec.decrease_start_equals_target": "target",
    "spec.increase_target_below_start": "target",
    "spec.decrease_target_above_start": "target",
    "spec.target_not_positive": "target",
    "spec.at_most_target_negative": "target",
    "spec.step_not_positive": "step",
    "spec.points_per_step_not_positive": "points_per_step",
    "spec.max_points_not_positive": "max_points",
    "spec.strict_at_most_zero": "hold_strict",
    "spec.strict_proportional": "hold_strict",
    "spec.hold_scoring_not_hold": "hold_scoring",
    "spec.hold_strict_not_hold": "hold_strict",
}


@dataclass
class KeyResultData:
    title: str
    unit: str
    kind: str
    weight: Decimal
    start: Decimal | None = None
    target: Decimal | None = None
    step: Decimal | None = None
    points_per_step: Decimal | None = None
    direction: str | None = None
    max_points: Decimal | None = None
    tiers: list[dict[str, Any]] | None = None
    confirm_gaps: bool = False
    """The person confirmed that values between two tiers should score 0 (a gap is refused otherwise)."""
    percent_typed: tuple[str, ...] = ()
    """Fields (start, target) typed with a percent sign, refused unless the unit is a percent."""
    hold_scoring: str | None = None
    """Hold kinds: "pass_fail" or "proportional" (None: met or not met); other kinds: None."""
    hold_strict: bool = False
    """Hold kinds: the target itself is not enough ("> 5%"); other kinds: False."""
    indicator: str | None = None
    """The scorecard indicator it feeds ("section.indicator"; okr.objectives.indicator_links)."""
    aspect: str | None = None
    """What it measures of its objective (quantity, quality, time; seed 002) or None."""
    due_on: date | None = None
    """Its due date: within the cycle, not after the objective's; a time target needs one."""


def check_weight(weight: Decimal | None, field: str = "weight") -> Decimal:
    """A weight is a share of its set in percent: from 0 to 100 (the set must then sum to 100)."""
    if weight is None:
        raise Invalid({field: _("Enter a number.")})
    try:
        return check_range(weight, ZERO, HUNDRED)
    except DomainError as exc:
        raise Invalid({field: error_message(exc)}) from exc


def apply_definition(
    kr: KeyResult,
    data: KeyResultData,
    cycle: Cycle | None = None,
    objective_due: date | None = None,
    *,
    dated: bool = True,
) -> list[str]:
    """Copy data onto the row; return the warnings of its scoring rule (errors raise Invalid).

    The same checks run for every path that writes a key result (form, KR templates and their
    application): weight 0-100, the kind's rule (start == target, overlapping tiers ...), a hold
    rule (met or not, partial credit, strict edge) only on a hold kind, and a gap between two
    tiers only when the person confirmed it; an aspect and a due date within `cycle`, not after
    `objective_due` (a time target needs one, unless not `dated`: a KR template's rows).
    """
    if not data.title.strip():
        raise Invalid({"title": _("Enter a title.")})
    check_weight(data.weight)
    if problems := definition_unit_problems(
        data.unit,
        # with no unit yet, "5%" is how a person says it is a percentage
        {
            f: (getattr(data, f), f in data.percent_typed and bool(data.unit.strip()))
            for f in ("start", "target")
        },
    ):
        raise Invalid(problems)  # e.g. "-5 人" or "50%" for a count: the same rule as check-ins
    if data.hold_scoring not in (None, *HoldScoring):
        raise Invalid({"hold_scoring": _("Choose met or not met, or partial credit.")})
    check_kr_dates(data.aspect, data.due_on, cycle, objective_due, dated=dated)
    _copy(kr, data)
    warnings = _rule_warnings(kr)
    _check_gaps(warnings, data.confirm_gaps)
    return [describe(w.code, w.params) for w in warnings]


def _copy(kr: KeyResult, data: KeyResultData) -> None:
    kr.title, kr.unit, kr.kind, kr.weight = (
        data.title.strip(),
        data.unit.strip(),
        data.kind,
        data.weight,
    )
    kr.start, kr.target, kr.step = data.start, data.target, data.step
    kr.points_per_step, kr.direction, kr.max_points = (
        data.points_per_step,
        data.direction,
        data.max_points,
    )
    kr.tiers = data.tiers or []
    hold = data.kind in HOLD_KINDS
    kr.hold_scoring = data.hold_scoring or (HoldScoring.PASS_FAIL.value if hold else None)
    kr.hold_strict = data.hold_strict
    kr.aspect, kr.due_on = data.aspect, data.due_on


def _rule_warnings(kr: KeyResult) -> tuple[Issue, ...]:
    """The warnings of the row's scoring rule; its errors raise Invalid, each beside its field."""
    try:
        return ensure_valid_spec(spec_of(kr))
    except InvalidSpec as exc:
        errors: dict[str, str] = {}
        for issue in exc.issues:
            if issue.severity is Severity.ERROR:
                field = _ISSUE_FIELD.get(issue.code) or (
                    issue.params.get("field") if issue.code == "spec.missing_field" else "tiers"
                )
                errors.setdefault(field or "_", describe(issue.code, issue.params))
        raise Invalid(errors) from exc
    except DomainError as exc:
        raise Invalid({"_": error_message(exc)}) from exc


def _check_gaps(warnings: tuple[Issue, ...], confirmed: bool) -> None:
    """A gap between two tiers scores 0 there: refused unless the person said they mean it."""
    gaps = [w for w in warnings if w.code == "spec.tiers_gap"]
    if gaps and not confirmed:
        found = " ".join(describe(w.code, w.params) for w in gaps)
        raise Invalid(
            {
                "tiers": found,
                "confirm_gaps": _(
                    "Close the gap, or tick this if values in it should score 0 points."
                ),
            }
        )
