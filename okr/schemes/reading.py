"""Reading a template's numbers, grade bands (with their conditions) and adjustment kinds into
domain values; every problem is collected in `errors`, in the reader's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from okr.domain.band_conditions import BandCondition
from okr.domain.errors import DomainError
from okr.domain.numbers import to_decimal
from okr.domain.template import AdjustmentKind, GradeBand


def read_number(value: Any, where: str, errors: list[str]) -> Decimal | None:
    try:
        return to_decimal(value if not isinstance(value, float) else str(value))
    except (DomainError, TypeError, ValueError):
        errors.append(_("%(where)s must be a number, not “%(value)s”.", where=where, value=value))
        return None


def read_bands(data: dict[str, Any], errors: list[str]) -> list[GradeBand]:
    bands = []
    for band in data.get("bands") or []:
        minimum = read_number(band.get("min"), str(band.get("label")), errors)
        if minimum is not None:
            label = str(band.get("label", ""))
            bands.append(
                GradeBand.of(
                    label,
                    minimum,
                    inclusive=bool(band.get("inclusive", True)),
                    condition=_condition(band.get("require"), label, errors),
                )
            )
    return bands


def _condition(value: Any, label: str, errors: list[str]) -> BandCondition | None:
    """A band's condition on ratings, if it has one (its shape is checked before)."""
    if not value:
        return None
    level = read_number(value.get("level"), label, errors)
    count = str(value.get("count", "all"))
    if level is None:
        return None
    return BandCondition.of(value["part"], level, None if count == "all" else int(count))


def read_kinds(adjustments: dict[str, Any], errors: list[str]) -> list[AdjustmentKind]:
    kinds = []
    for kind in adjustments.get("kinds") or []:
        key = str(kind.get("key", ""))
        if kind.get("points") is None and "min" in kind:
            low, high = (read_number(kind.get(end), key, errors) for end in ("min", "max"))
            if low is not None and high is not None:
                kinds.append(AdjustmentKind.ranged(key, low, high))
            continue
        points = read_number(kind.get("points"), key, errors)
        if points is not None:
            kinds.append(AdjustmentKind.of(key, points))
    return kinds


def read_scales(
    data: dict[str, Any], adjustments: dict[str, Any], errors: list[str]
) -> tuple[dict[str, Decimal | None], Decimal | None, Decimal | None]:
    """The adjustment caps, the total scale and the attainment cap."""
    caps = {
        k: read_number(adjustments[k], k, errors) if adjustments.get(k) is not None else None
        for k in ("bonus_cap", "deduction_cap")
    }
    scale = read_number(data.get("total_scale", 100), _("Total scale"), errors)
    return caps, scale, read_number(data.get("attainment_cap", 1), _("Attainment cap"), errors)
