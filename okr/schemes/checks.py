"""Checking a review template before it is stored: every problem at once, each where it belongs.

Problems carry a place (``parts.kr``, ``criteria.peer.2``, ``bands.1.min``, ``quotas.优秀``,
``adjustments.kinds.0.points``, ``_`` for the whole template) so a form shows each beside its
field and an import lists them all.  A template that passes is returned in its canonical form
(numbers as exact text, keys in a fixed order, defaults written out): that is what is stored
and exported, so exporting and importing a template again gives the same template.  The JSON
format's own parser (template_format.parse) then has the last word.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from okr.domain.errors import DomainError
from okr.domain.numbers import (
    HUNDRED,
    MAX_INTEGER_DIGITS,
    MAX_MAGNITUDE,
    MAX_PLACES,
    ONE,
    decimal_places,
    fmt,
    to_decimal,
)
from okr.errors import Invalid
from okr.explain import PART_WORDS
from okr.schemes.format import FORMAT, PARTS, TemplateFormatError, TemplateSpec, loads, parse
from okr.schemes.levels import canonical_levels, check_levels

FIELDS = (
    "format",
    "name",
    "description",
    "total_scale",
    "attainment_cap",
    "parts",
    "criteria",
    "bands",
    "adjustments",
    "quotas",
    "improvement_plan_grades",
    "min_peer_raters",
)
MAX_IMPORT_BYTES = 256 * 1024
MAX_POINTS = Decimal(1000)
"""Bound of every points figure of a template (scale, thresholds, adjustments, rating scales)."""
MAX_CAP = Decimal(10)
"""The highest attainment cap: 1000%, as for cycles."""
MAX_RATERS = 100


class TemplateInvalid(Invalid):
    """A template refused; `problems` lists (place, message) for every problem found."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        merged: dict[str, str] = {}
        for place, message in problems:
            merged[place] = f"{merged[place]} {message}" if place in merged else message
        super().__init__(merged)
        self.problems = problems


def _part(name: str) -> str:
    return str(PART_WORDS.get(name, name))


def _num(value: Any) -> Decimal | None:
    """An exact number from JSON text, an int or a Decimal; None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return to_decimal(str(value) if isinstance(value, float) else value)
    except DomainError:
        return None


def _oversized(text: str) -> bool:
    """Text that is a number, only too large or too precise to be stored."""
    try:
        to_decimal(text)
    except DomainError as exc:
        return exc.code in ("number.too_large", "number.too_many_places")
    return False


class _Check:
    """Collects every problem of a template dict, keyed by where it is."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def add(self, place: str, message: str) -> None:
        self.problems.append((place, message))

    def number(
        self,
        value: Any,
        place: str,
        what: str,
        low: Decimal | None = -MAX_POINTS,
        high: Decimal | None = MAX_POINTS,
    ) -> Decimal | None:
        """A number of the template, within [low, high] and storable; None (reported) otherwise."""
        number = _num(value)
        oversized = number is None and isinstance(value, str) and _oversized(value)
        if number is None and (value is None or value == ""):
            self.add(place, _("%(what)s is missing: enter a number.", what=what))
        elif number is None and not oversized:
            self.add(
                place, _("%(what)s must be a number, not “%(value)s”.", what=what, value=value)
            )
        elif oversized or (
            number is not None
            and (abs(number) >= MAX_MAGNITUDE or decimal_places(number) > MAX_PLACES)
        ):
            self.add(
                place,
                _(
                    "%(what)s must have at most %(digits)d digits before the decimal point "
                    "and %(places)d after it.",
                    what=what,
                    digits=MAX_INTEGER_DIGITS,
                    places=MAX_PLACES,
                ),
            )
            return None
        elif (high is not None and number > high) or (low is not None and number < low):
            shown = {
                "what": what,
                "value": fmt(number),
                "high": fmt(high) if high is not None else "",
            }
            self.add(
                place,
                _("%(what)s can be at most %(high)s, not %(value)s.", **shown)
                if low is None
                else _(
                    "%(what)s must be from %(low)s to %(high)s, not %(value)s.",
                    low=fmt(low),
                    **shown,
                ),
            )
            return None
        return number

    def mapping(self, value: Any, place: str, what: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(place, _("%(what)s must be a JSON object.", what=what))
            return {}
        return value

    def listing(self, value: Any, place: str, what: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(place, _("%(what)s must be a JSON list.", what=what))
            return []
        return value

    def weights_sum(self, weights: list[Decimal], place: str, what: str) -> None:
        total = sum(weights, Decimal(0))
        if total != HUNDRED:
            self.add(
                place, _("%(what)s add up to %(sum)s%%, not 100%%.", what=what, sum=fmt(total))
            )


def _check_top(c: _Check, data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        c.add("_", _("Unknown fields: %(fields)s.", fields=", ".join(unknown)))
    if data.get("format", FORMAT) != FORMAT:
        c.add(
            "format",
            _(
                "Unknown format “%(format)s”; expected %(expected)s.",
                format=data.get("format"),
                expected=FORMAT,
            ),
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        c.add("name", _("The template needs a name."))
    elif len(name.strip()) > 200:
        c.add("name", _("The name can be at most 200 characters long."))
    if not isinstance(data.get("description", ""), str):
        c.add("description", _("The description must be text."))
    scale = c.number(data.get("total_scale", "100"), "total_scale", _("The total scale"), None)
    if scale is not None and scale <= 0:
        c.add("total_scale", _("The total scale must be above 0, not %(scale)s.", scale=fmt(scale)))
    cap = c.number(
        data.get("attainment_cap", "1"), "attainment_cap", _("The attainment cap"), None, MAX_CAP
    )
    if cap is not None and cap < ONE:
        c.add(
            "attainment_cap",
            _("The attainment cap must be at least 1 (100%%), not %(cap)s.", cap=fmt(cap)),
        )
    raters = data.get("min_peer_raters", 1)
    if (
        isinstance(raters, bool)
        or not re.fullmatch(r"\d{1,4}", str(raters))
        or not 1 <= int(str(raters)) <= MAX_RATERS
    ):
        c.add(
            "min_peer_raters",
            _(
                "The minimum number of peer raters must be a whole number from 1 to %(max)d.",
                max=MAX_RATERS,
            ),
        )


def _check_parts(c: _Check, data: dict[str, Any]) -> dict[str, Decimal]:
    parts = c.mapping(data.get("parts"), "parts", _("“parts”"))
    if not parts:
        c.add("parts", _("Give the weight of each part (kr, peer, interview, self)."))
    weights: dict[str, Decimal] = {}
    for name, value in parts.items():
        if name not in PARTS:
            c.add("parts", _("Unknown part “%(part)s” (use kr, peer, interview, self).", part=name))
            continue
        what = _("The weight of %(part)s", part=_part(name))
        weight = c.number(value, f"parts.{name}", what, None, HUNDRED)
        if weight is not None and weight < 0:
            c.add(f"parts.{name}", _("%(what)s cannot be negative.", what=what))
        elif weight is not None:
            weights[name] = weight
    if weights and len(weights) == len([p for p in parts if p in PARTS]):
        c.weights_sum(list(weights.values()), "parts", _("The part weights"))
    return weights


def _check_criterion(c: _Check, item: Any, place: str, part: str, keys: set[str]) -> Decimal | None:
    if not isinstance(item, dict):
        c.add(place, _("Each criterion of %(part)s must be a JSON object.", part=_part(part)))
        return None
    key = item.get("key")
    if not isinstance(key, str) or not key.strip():
        c.add(place, _("A criterion of %(part)s has no key.", part=_part(part)))
        return None
    if key in keys:
        c.add(place, _("Criterion “%(key)s” appears twice in %(part)s.", key=key, part=_part(part)))
    keys.add(key)
    if not isinstance(item.get("label", key), str):
        c.add(place, _("The label of criterion “%(key)s” must be text.", key=key))
    scale = item.get("scale", ["1", "5"])
    low = high = None
    if not isinstance(scale, list) or len(scale) != 2:
        c.add(place, _("The scale of “%(key)s” must be [lowest, highest], e.g. [1, 5].", key=key))
    else:
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
    for problem in check_levels(item.get("levels"), key, (low, high), _num):
        c.add(f"{place}.levels", problem)
    weight = c.number(
        item.get("weight"), place, _("The weight of “%(key)s”", key=key), None, HUNDRED
    )
    if weight is not None and weight < 0:
        c.add(place, _("The weight of “%(key)s” cannot be negative.", key=key))
    return weight


def _check_criteria(c: _Check, data: dict[str, Any], weights: dict[str, Decimal]) -> None:
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
            for i, item in enumerate(c.listing(items, f"criteria.{part}", _part(part)))
        ]
        if found and None not in found:
            c.weights_sum(
                [w for w in found if w is not None],
                f"criteria.{part}",
                _("The criteria weights of %(part)s", part=_part(part)),
            )
    for part, weight in weights.items():
        if part != "kr" and weight > 0 and not criteria.get(part):
            c.add(
                f"criteria.{part}",
                _(
                    "The %(part)s part weighs %(weight)s%% but has no criteria to rate.",
                    part=_part(part),
                    weight=fmt(weight),
                ),
            )


def _check_bands(c: _Check, data: dict[str, Any]) -> set[str]:
    bands = c.listing(data.get("bands"), "bands", _("“bands”"))
    if not bands:
        c.add("bands", _("At least one grade band is needed."))
    seen: dict[Decimal, str] = {}
    labels: set[str] = set()
    lowest: tuple[Decimal, str, bool] | None = None
    for i, band in enumerate(bands):
        if not isinstance(band, dict):
            c.add(f"bands.{i}", _("Each grade band must be a JSON object."))
            continue
        label = band.get("label")
        if not isinstance(label, str) or not label.strip():
            c.add(f"bands.{i}.label", _("Grade band %(n)d needs a label.", n=i + 1))
            continue
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
        if minimum is None:
            continue
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
        if lowest is None or minimum < lowest[0]:
            lowest = (minimum, label, band.get("inclusive", True) is not False)
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


def _check_adjustments(c: _Check, data: dict[str, Any]) -> None:
    adjustments = c.mapping(data.get("adjustments"), "adjustments", _("“adjustments”"))
    unknown = sorted(set(adjustments) - {"kinds", "bonus_cap", "deduction_cap"})
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


def _check_policies(c: _Check, data: dict[str, Any], labels: set[str]) -> None:
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


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """The stored and exported form of a checked template: exact text numbers, fixed key order."""

    def n(value: Any) -> str:
        number = _num(value)
        assert number is not None
        return fmt(number)

    adjustments = data.get("adjustments") or {}
    return {
        "format": FORMAT,
        "name": data["name"].strip(),
        "description": (data.get("description") or "").strip(),
        "total_scale": n(data.get("total_scale", "100")),
        "attainment_cap": n(data.get("attainment_cap", "1")),
        "parts": {p: n(data["parts"][p]) for p in PARTS if p in data["parts"]},
        "criteria": {
            part: [
                {
                    "key": item["key"].strip(),
                    "label": (item.get("label") or item["key"]).strip(),
                    "weight": n(item["weight"]),
                    "scale": [n(v) for v in item.get("scale", ["1", "5"])],
                    **(
                        {"levels": canonical_levels(item["levels"], n)}
                        if item.get("levels")
                        else {}
                    ),
                }
                for item in data["criteria"][part]
            ]
            for part in PARTS
            if (data.get("criteria") or {}).get(part)
        },
        "bands": [
            {
                "label": band["label"].strip(),
                "min": n(band["min"]),
                **({"inclusive": False} if band.get("inclusive") is False else {}),
            }
            for band in data["bands"]
        ],
        "adjustments": {
            "kinds": [
                {
                    "key": kind["key"].strip(),
                    "label": (kind.get("label") or kind["key"]).strip(),
                    "points": n(kind["points"]),
                }
                for kind in adjustments.get("kinds") or []
            ],
            "bonus_cap": None
            if adjustments.get("bonus_cap") is None
            else n(adjustments["bonus_cap"]),
            "deduction_cap": None
            if adjustments.get("deduction_cap") is None
            else n(adjustments["deduction_cap"]),
        },
        "quotas": {label: n(v) for label, v in (data.get("quotas") or {}).items()},
        "improvement_plan_grades": list(data.get("improvement_plan_grades") or []),
        "min_peer_raters": int(str(data.get("min_peer_raters", 1))),
    }


def validate(data: Any) -> tuple[dict[str, Any], TemplateSpec]:
    """Check a template dict, reporting every problem; return its canonical form and parsed spec."""
    if not isinstance(data, dict):
        raise TemplateInvalid([("_", _("The file must hold one JSON object."))])
    c = _Check()
    _check_top(c, data)
    weights = _check_parts(c, data)
    _check_criteria(c, data, weights)
    labels = _check_bands(c, data)
    _check_adjustments(c, data)
    _check_policies(c, data, labels)
    if c.problems:
        raise TemplateInvalid(c.problems)
    spec = canonical(data)
    try:
        return spec, parse(spec)
    except TemplateFormatError as exc:  # the format's own rules have the last word
        raise TemplateInvalid([("_", m) for m in exc.messages]) from exc


def read_json(text: str | bytes) -> dict[str, Any]:
    """Template JSON from a file or a text box, every number kept exact."""
    if len(text) > MAX_IMPORT_BYTES:
        raise TemplateInvalid([("_", _("The file is too large for a template (at most 256 KB)."))])
    try:
        return loads(text)
    except TemplateFormatError as exc:
        raise TemplateInvalid([("_", m) for m in exc.messages]) from exc


def fingerprint(spec: dict[str, Any]) -> str:
    """A short digest of a spec, to notice that someone else saved the template meanwhile."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
