"""The rules of each section of a review template: parts, criteria, bands, adjustments, policies.

Each check adds what it finds to `Problems`, at the place of the field concerned."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from okr.domain.numbers import HUNDRED, fmt
from okr.schemes.format import PARTS, part_label
from okr.schemes.level_checks import check_levels
from okr.schemes.problems import Problems, exact_number
from okr.schemes.rollup_format import rollup_keys
from okr.schemes.scorecards import section_keys


def check_parts(c: Problems, data: dict[str, Any]) -> dict[str, Decimal]:
    """Each part's weight, or its max points in a points template (summing to the scale)."""
    parts = c.mapping(data.get("parts"), "parts", _("“parts”"))
    if not parts:
        c.add("parts", _("Give the weight of each part (kr, peer, interview, self)."))
    points = data.get("composite") == "points"
    known = (*PARTS, *section_keys(data), *rollup_keys(data))
    weights: dict[str, Decimal] = {}
    for name, value in parts.items():
        if name not in known:
            c.add("parts", _("Unknown part “%(part)s” (use kr, peer, interview, self).", part=name))
            continue
        what = _("The weight of %(part)s", part=part_label(name))
        weight = c.number(value, f"parts.{name}", what, None, None if points else HUNDRED)
        if weight is not None and weight < 0:
            c.add(f"parts.{name}", _("%(what)s cannot be negative.", what=what))
        elif weight is not None:
            weights[name] = weight
    if not points and weights and len(weights) == len([p for p in parts if p in known]):
        c.weights_sum(list(weights.values()), "parts", _("The part weights"))
    return weights


def _check_criterion(
    c: Problems, item: Any, place: str, part: str, keys: set[str]
) -> Decimal | None:
    if not isinstance(item, dict):
        c.add(place, _("Each criterion of %(part)s must be a JSON object.", part=part_label(part)))
        return None
    key = item.get("key")
    if not isinstance(key, str) or not key.strip():
        c.add(place, _("A criterion of %(part)s has no key.", part=part_label(part)))
        return None
    if key in keys:
        c.add(
            place,
            _("Criterion “%(key)s” appears twice in %(part)s.", key=key, part=part_label(part)),
        )
    keys.add(key)
    if not isinstance(item.get("label", key), str):
        c.add(place, _("The label of criterion “%(key)s” must be text.", key=key))
    scale = _check_scale(c, item.get("scale", ["1", "5"]), place, key)
    for problem in check_levels(item.get("levels"), key, scale, exact_number):
        c.add(f"{place}.levels", problem)
    weight = c.number(
        item.get("weight"), place, _("The weight of “%(key)s”", key=key), None, HUNDRED
    )
    if weight is not None and weight < 0:
        c.add(place, _("The weight of “%(key)s” cannot be negative.", key=key))
    return weight


def _check_scale(
    c: Problems, scale: Any, place: str, key: str
) -> tuple[Decimal | None, Decimal | None]:
    """A criterion's lowest and highest rating (None where unusable), which must run upward."""
    if not isinstance(scale, list) or len(scale) != 2:
        c.add(place, _("The scale of “%(key)s” must be [lowest, highest], e.g. [1, 5].", key=key))
        return None, None
    low, high = (c.number(v, place, _("The scale of “%(key)s”", key=key)) for v in scale)
    if low is not None and high is not None and low >= high:
        c.add(
            place,
            _(
                "The scale of “%(key)s” must run upward (%(low)s–%(high)s).",
                key=key,
                low=fmt(low),
                high=fmt(high),
            ),
        )
    return low, high


def check_criteria(c: Problems, data: dict[str, Any], weights: dict[str, Decimal]) -> None:
    criteria = c.mapping(data.get("criteria"), "criteria", _("“criteria”"))
    for part, items in criteria.items():
        if part not in PARTS:
            c.add("criteria", _("Unknown part “%(part)s” in the criteria.", part=part))
            continue
        if part == "kr":
            c.add(
                "criteria.kr", _("The key-result part is computed from OKRs and has no criteria.")
            )
            continue
        keys: set[str] = set()
        found = [
            _check_criterion(c, item, f"criteria.{part}.{i}", part, keys)
            for i, item in enumerate(c.listing(items, f"criteria.{part}", part_label(part)))
        ]
        if found and None not in found:
            c.weights_sum(
                [w for w in found if w is not None],
                f"criteria.{part}",
                _("The criteria weights of %(part)s", part=part_label(part)),
            )
    for part, weight in weights.items():
        if part in PARTS and part != "kr" and weight > 0 and not criteria.get(part):
            c.add(
                f"criteria.{part}",
                _(
                    "The %(part)s part weighs %(weight)s%% but has no criteria to rate.",
                    part=part_label(part),
                    weight=fmt(weight),
                ),
            )


def check_bands(c: Problems, data: dict[str, Any]) -> set[str]:
    """Grade bands: each labelled once, no two at one threshold, the lowest one including 0."""
    bands = c.listing(data.get("bands"), "bands", _("“bands”"))
    if not bands:
        c.add("bands", _("At least one grade band is needed."))
    seen: dict[Decimal, str] = {}
    labels: set[str] = set()
    lowest: tuple[Decimal, str, bool] | None = None
    for i, band in enumerate(bands):
        found = _check_band(c, i, band, labels, seen)
        if found is not None and (lowest is None or found[0] < lowest[0]):
            lowest = found
    if lowest is not None and (lowest[0] > 0 or (lowest[0] == 0 and not lowest[2])):
        c.add(
            "bands",
            _(
                "The lowest band %(label)s starts at %(min)s; it must include 0 so every score gets a grade.",
                label=lowest[1],
                min=fmt(lowest[0]),
            ),
        )
    return labels


def _check_band(
    c: Problems, i: int, band: Any, labels: set[str], seen: dict[Decimal, str]
) -> tuple[Decimal, str, bool] | None:
    """One band (labels and thresholds seen so far are updated); (threshold, label, inclusive)."""
    if not isinstance(band, dict):
        c.add(f"bands.{i}", _("Each grade band must be a JSON object."))
        return None
    label = band.get("label")
    if not isinstance(label, str) or not label.strip():
        c.add(f"bands.{i}.label", _("Grade band %(n)d needs a label.", n=i + 1))
        return None
    if label in labels:
        c.add(f"bands.{i}.label", _("Two grade bands are called “%(label)s”.", label=label))
    labels.add(label)
    minimum = c.number(
        band.get("min"), f"bands.{i}.min", _("The threshold of %(label)s", label=label)
    )
    if not isinstance(band.get("inclusive", True), bool):
        c.add(
            f"bands.{i}.inclusive",
            _("“inclusive” of %(label)s must be true or false.", label=label),
        )
    if band.get("require") is not None:
        _check_condition(c, f"bands.{i}.require", band["require"], label)
    if minimum is None:
        return None
    if minimum in seen:
        c.add(
            f"bands.{i}.min",
            _(
                "%(label)s and %(other)s both start at %(min)s: the bands overlap.",
                label=label,
                other=seen[minimum],
                min=fmt(minimum),
            ),
        )
    seen[minimum] = label
    return minimum, label, band.get("inclusive", True) is not False


def _check_condition(c: Problems, place: str, condition: Any, label: str) -> None:
    """A band's condition on ratings: {"part", "level", "count"} (count "all" or a whole number)."""
    if not isinstance(condition, dict):
        c.add(place, _("The condition of %(label)s must be a JSON object.", label=label))
        return
    unknown = sorted(set(condition) - {"part", "level", "count"})
    if unknown:
        c.add(place, _("Unknown fields: %(fields)s.", fields=", ".join(unknown)))
    if condition.get("part") not in ("interview", "self"):
        c.add(
            f"{place}.part",
            _("The condition of %(label)s must name “interview” or “self”.", label=label),
        )
    c.number(condition.get("level"), f"{place}.level", _("The level of %(label)s", label=label))
    count = condition.get("count", "all")
    if count != "all" and not (isinstance(count, str | int) and str(count).isdigit()):
        c.add(
            f"{place}.count",
            _("The count of %(label)s must be “all” or a whole number.", label=label),
        )


def check_adjustments(c: Problems, data: dict[str, Any]) -> None:
    adjustments = c.mapping(data.get("adjustments"), "adjustments", _("“adjustments”"))
    unknown = sorted(set(adjustments) - {"kinds", "bonus_cap", "deduction_cap", "free_form"})
    if adjustments.get("free_form", False) not in (True, False):
        c.add("adjustments.free_form", _("“free_form” must be true or false."))
    if unknown:
        c.add("adjustments", _("Unknown fields: %(fields)s.", fields=", ".join(unknown)))
    keys: set[str] = set()
    for i, kind in enumerate(c.listing(adjustments.get("kinds"), "adjustments", _("“kinds”"))):
        place = f"adjustments.kinds.{i}"
        key = kind.get("key") if isinstance(kind, dict) else None
        if not isinstance(key, str) or not key.strip():
            c.add(f"{place}.key", _("Adjustment %(n)d needs a key.", n=i + 1))
            continue
        if key in keys:
            c.add(f"{place}.key", _("Adjustment “%(key)s” is defined twice.", key=key))
        keys.add(key)
        if not isinstance(kind.get("label", key), str):
            c.add(f"{place}.label", _("The label of “%(key)s” must be text.", key=key))
        if kind.get("points") is None and ("min" in kind or "max" in kind):
            _check_range(c, kind, place, key)
            continue
        points = c.number(
            kind.get("points"), f"{place}.points", _("The points of “%(key)s”", key=key)
        )
        if points == 0:
            c.add(f"{place}.points", _("Adjustment “%(key)s” gives 0 points.", key=key))
    for cap in ("bonus_cap", "deduction_cap"):
        if adjustments.get(cap) is None:
            continue
        what = _("The bonus cap") if cap == "bonus_cap" else _("The deduction cap")
        value = c.number(adjustments[cap], f"adjustments.{cap}", what, None)
        if value is not None and value < 0:
            c.add(f"adjustments.{cap}", _("%(what)s cannot be negative.", what=what))


def _check_range(c: Problems, kind: dict[str, Any], place: str, key: str) -> None:
    """A ranged kind (重大差错 -1 to -5): both ends, low below high, both on one side of 0."""
    low = c.number(kind.get("min"), f"{place}.min", _("The lowest points of “%(key)s”", key=key))
    high = c.number(kind.get("max"), f"{place}.max", _("The highest points of “%(key)s”", key=key))
    if low is None or high is None:
        return
    if low >= high:
        c.add(
            f"{place}.max",
            _("The highest points of “%(key)s” must be above its lowest.", key=key),
        )
    elif low < 0 < high or 0 in (low, high):
        c.add(
            f"{place}.min",
            _(
                "The points of “%(key)s” must be all bonus or all deduction, without 0"
                " (e.g. -5 to -1).",
                key=key,
            ),
        )


def check_policies(c: Problems, data: dict[str, Any], labels: set[str]) -> None:
    quotas = c.mapping(data.get("quotas"), "quotas", _("“quotas”"))
    for label, value in quotas.items():
        what = _("The quota of %(label)s", label=label)
        fraction = c.number(value, f"quotas.{label}", what, None, None)
        if labels and label not in labels:
            c.add(
                f"quotas.{label}",
                _("There is a quota for “%(label)s”, which is not a grade band.", label=label),
            )
        if fraction is not None and not 0 <= fraction <= 1:
            c.add(
                f"quotas.{label}", _("%(what)s must be between 0 and 1 (0.2 is 20%%).", what=what)
            )
    grades = c.listing(
        data.get("improvement_plan_grades"),
        "improvement_plan_grades",
        _("“improvement_plan_grades”"),
    )
    for label in grades:
        if not isinstance(label, str) or (labels and label not in labels):
            c.add(
                "improvement_plan_grades",
                _("“%(label)s” gets an improvement plan but is not a grade band.", label=label),
            )
