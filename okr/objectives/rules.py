"""Turning stored key results into domain values, and the cycle-status rules."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from okr.domain.errors import DomainError
from okr.domain.krspec import Direction, HoldScoring, KeyResultSpec, KRKind
from okr.domain.numbers import parse_decimal
from okr.domain.tiers import Tier, check_tiers
from okr.objectives.models import KeyResult

CONFIDENCES = ("on_track", "at_risk", "off_track")
LEVELS = ("company", "department", "individual")


def tier_from_dict(data: dict[str, Any]) -> Tier:
    """A stored tier (JSON with text numbers) as a domain Tier."""
    return Tier.of(
        data.get("lower"),
        data.get("upper"),
        data["points"],
        lower_inclusive=bool(data.get("lower_inclusive", True)),
        upper_inclusive=bool(data.get("upper_inclusive", False)),
    )


def tier_to_dict(tier: Tier) -> dict[str, Any]:
    """A domain Tier as JSON-safe data (numbers as exact text)."""
    return {
        "lower": None if tier.lower is None else str(tier.lower),
        "lower_inclusive": tier.lower_inclusive,
        "upper": None if tier.upper is None else str(tier.upper),
        "upper_inclusive": tier.upper_inclusive,
        "points": str(tier.points),
    }


def spec_of(kr: KeyResult) -> KeyResultSpec:
    """The scoring rule of a stored key result."""
    return KeyResultSpec(
        KRKind(kr.kind),
        start=kr.start,
        target=kr.target,
        step=kr.step,
        points_per_step=kr.points_per_step,
        direction=Direction(kr.direction) if kr.direction else None,
        max_points=kr.max_points,
        tiers=tuple(tier_from_dict(t) for t in kr.tiers or ()),
        hold_scoring=HoldScoring(kr.hold_scoring) if kr.hold_scoring else None,
        hold_strict=bool(kr.hold_strict),
    )


def worst_confidence(values: list[str | None]) -> str | None:
    """An objective is as confident as its least confident key result."""
    known = [v for v in values if v in CONFIDENCES]
    return max(known, key=CONFIDENCES.index) if known else None


def percent(fraction: Decimal | None) -> Decimal | None:
    """A progress fraction as percent (exact)."""
    return None if fraction is None else fraction * 100


_TIER_LINE = re.compile(r"^\s*([\[(（【])(.*?)([\])）】])\s*[:：=]?\s*(\S+)\s*$")
# Between the brackets the two bounds are split at a comma that is not a thousands separator:
# "[19,600, 20,000)" has bounds 19,600 and 20,000; "[2500,3000)" has 2500 and 3000.
_BOUND_SPLIT = re.compile(r"\s*[，]\s*|\s*,(?!\d{3}(?!\d))\s*|\s+,\s*|,\s+")


def parse_tiers(text: str) -> list[Tier]:
    """Tiers typed one per line as "[2500, 3000) 3": square brackets closed, round open, empty bound unlimited."""
    tiers = []
    for number, line in enumerate(text.strip().splitlines(), start=1):
        if not line.strip():
            continue
        match = _TIER_LINE.match(line)
        if not match:
            raise ValueError(number)
        opening, inside, closing, points = match.groups()
        bounds = _BOUND_SPLIT.split(inside.strip())
        if len(bounds) != 2:
            raise ValueError(number)
        lower, upper = (b.strip() for b in bounds)
        try:
            tiers.append(
                Tier.of(
                    parse_decimal(lower) if lower else None,
                    parse_decimal(upper) if upper else None,
                    parse_decimal(points),
                    lower_inclusive=opening in "[【",
                    upper_inclusive=closing in "]】",
                )
            )
        except DomainError as exc:
            raise ValueError(number) from exc
    return tiers


def has_tier_gap(tiers: list[dict[str, Any]]) -> bool:
    """Whether stored tiers leave a gap between two of them (saved only when confirmed)."""
    if not tiers:
        return False
    try:
        issues = check_tiers([tier_from_dict(t) for t in tiers])
    except DomainError:
        return False
    return any(issue.code == "spec.tiers_gap" for issue in issues)


def format_tiers(tiers: list[dict[str, Any]]) -> str:
    """Stored tiers back as the text a person types."""
    lines = []
    for data in tiers:
        opening = (
            "[" if data.get("lower_inclusive", True) and data.get("lower") is not None else "("
        )
        closing = "]" if data.get("upper_inclusive") and data.get("upper") is not None else ")"
        lines.append(
            f"{opening}{data.get('lower') or ''}, {data.get('upper') or ''}{closing} {data['points']}"
        )
    return "\n".join(lines)


# Values that fit the key result's unit -------------------------------------------------------
#
# The rule, the same on every path that sets a value (check-in, correction, and the key result's
# own start and target when it is defined):
#
# 1. A percent sign only for a percent key result (unit "%", "％", "百分比", "percent"): values are
#    kept in the metric's own unit, so "50%" for a count in 人 is a typo, not 50 人.
# 2. Counts (people, visits, posts, items: 人, 次, 篇, 个, visitors ...) are never below zero.
# 3. Any other measure (money, percent, ratios, durations) goes below zero only when the key
#    result's own definition does: a negative start, target or tier bound (a growth rate from
#    -5 % to +10 %, a loss to turn into profit). Otherwise "-5" is refused as a typo.

PERCENT_UNITS = frozenset({"%", "percent", "百分比", "百分点", "pct"})
COUNT_UNITS = frozenset(
    {
        *("人", "人次", "位", "名", "个", "次", "篇", "条", "家", "件", "份", "场", "单", "本"),
        *("张", "台", "套", "项", "户", "笔", "封", "粉丝", "访客", "用户", "客户"),
        *("people", "persons", "person", "visitors", "visits", "users", "customers", "count"),
        *("items", "times", "posts", "articles", "leads", "followers", "sign-ups", "signups"),
    }
)


def _unit_key(unit: str | None) -> str:
    return unicodedata.normalize("NFKC", unit or "").strip().lower()


def is_percent_unit(unit: str | None) -> bool:
    """Whether a key result is measured in percent."""
    return _unit_key(unit) in PERCENT_UNITS


def is_count_unit(unit: str | None) -> bool:
    """Whether a key result counts people or things (never below zero)."""
    return _unit_key(unit) in COUNT_UNITS


def typed_percent(text: str) -> bool:
    """Whether what a person typed ends in a percent sign (half- or full-width)."""
    return unicodedata.normalize("NFKC", text or "").strip().endswith("%")


def definition_goes_negative(kr: Any) -> bool:
    """Whether a key result's own start, target or tier bounds lie below zero."""
    bounds = [kr.start, kr.target]
    for tier in kr.tiers or ():
        bounds += [tier.get("lower"), tier.get("upper")]
    return any(b is not None and Decimal(b) < 0 for b in bounds)


def _percent_message(unit: str | None) -> str:
    if unit and unit.strip():
        return _(
            "Enter the number without %%: this key result is counted in %(unit)s, not in percent.",
            unit=unit.strip(),
        )
    return _("Enter the number without %: this key result is not measured in percent.")


def unit_fit_problem(kr: Any, value: Decimal, percent_sign: bool) -> str | None:
    """Why a value does not fit a key result's unit and definition (rule above), or None."""
    if percent_sign and not is_percent_unit(kr.unit):
        return _percent_message(kr.unit)
    if value < 0 and is_count_unit(kr.unit):
        return _(
            "Enter zero or more: a number of %(unit)s cannot be below zero.", unit=kr.unit.strip()
        )
    if value < 0 and not definition_goes_negative(kr):
        return _(
            "Enter zero or more: this key result's start and target are not below zero, "
            "so a value below zero does not fit it."
        )
    return None


def definition_unit_problems(
    unit: str | None, numbers: Mapping[str, tuple[Decimal | None, bool]]
) -> dict[str, str]:
    """A key result's own numbers (e.g. start, target) against its unit, by field name.

    `numbers` maps a field to (value, whether a percent sign was typed). Only the unit's rules
    apply here: a definition is what allows values below zero for other measures.
    """
    problems: dict[str, str] = {}
    for name, (value, percent_sign) in numbers.items():
        if percent_sign and not is_percent_unit(unit):
            problems[name] = _percent_message(unit)
        elif value is not None and value < 0 and is_count_unit(unit):
            problems[name] = _(
                "Enter zero or more: a number of %(unit)s cannot be below zero.",
                unit=(unit or "").strip(),
            )
    return problems
