"""Turning stored key results into domain values, and the cycle-status rules."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from okr.domain.errors import DomainError
from okr.domain.krspec import Direction, KeyResultSpec, KRKind
from okr.domain.numbers import parse_decimal
from okr.domain.tiers import Tier, check_tiers
from okr.okrs.models import Cycle, KeyResult

STATUSES = ("planning", "running", "reviewing", "closed")
NEXT_STATUS = {"planning": "running", "running": "reviewing", "reviewing": "closed"}
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
    )


def plan_editable(cycle: Cycle) -> bool:
    """Objectives, targets and weights can change only while the cycle is being planned."""
    return cycle.status == "planning"


def checkins_open(cycle: Cycle) -> bool:
    """Check-ins are taken while the cycle runs and during its review (final values)."""
    return cycle.status in ("running", "reviewing")


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
