"""The template format's scorecard sections: check, read into domain values, canonical form.

```json
"composite": "points",
"parts": {"satisfaction": "20", "brand": "10"},
"sections": [
  {"key": "satisfaction", "label": {"zh": "用户满意度", "en": "User satisfaction"},
   "indicators": [
     {"key": "survey", "label": "用户满意度调查", "max": "10", "unit": "%",
      "rule": {"kind": "per_unit", "start": "0", "step": "1", "points_per_step": "0.5",
               "direction": "up", "max_points": "10"}},
     {"key": "rules", "label": "违规", "max": "100", "rule": {"kind": "deductions", "each": "-1"}},
     {"key": "attitude", "label": "工作态度", "max": "10", "rule": {"kind": "points"}}]}]
```

A rule is ``points`` (entered against the max), ``deductions`` (the max plus ``each`` per
occurrence), any key-result kind with its fields (okr.domain.krspec), or ``kr`` with a
``score`` (``points`` or ``attainment``): fed by the person's key result linked to the
indicator (okr.reviews.kr_indicators), never typed on the appraisal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from okr.domain.errors import DomainError
from okr.domain.krspec import Direction, KeyResultSpec, KRKind
from okr.domain.numbers import to_decimal
from okr.domain.scorecard import Indicator, KRScore, Rule, Section
from okr.domain.tiers import Tier
from okr.schemes.levels import Words
from okr.schemes.problems import Problems, number_text

KR_FIELDS = ("start", "target", "step", "points_per_step", "max_points")
RULE_KINDS = (Rule.POINTS, Rule.DEDUCTIONS, *KRKind, Rule.KR)
RULE_FIELDS = {"kind", "each", "direction", "tiers", "score", *KR_FIELDS}


def kr_fed(item: Mapping[str, Any]) -> bool:
    """Whether an indicator takes its value from the person's linked key result."""
    rule = item.get("rule")
    return isinstance(rule, dict) and rule.get("kind") == Rule.KR


def label_words(label: Any, key: str) -> object:
    """A label given as one text or per language ({"zh", "en"}), read in the reader's language."""
    if isinstance(label, dict):
        return Words({k: str(v) for k, v in label.items() if v})
    return str(label or key)


def section_keys(data: Mapping[str, Any]) -> list[str]:
    sections = data.get("sections")
    if not isinstance(sections, list):
        return []
    return [str(s.get("key")) for s in sections if isinstance(s, dict) and s.get("key")]


def self_assessed(section: Mapping[str, Any]) -> bool:
    """Whether the person enters their own points for the section's indicators (自考核): the
    reviewer's points (考核人考核) still are what count; both are shown side by side."""
    return section.get("self_assessed") is True


def indicator_hint(item: Mapping[str, Any]) -> str:
    """What to enter for an indicator, in the reader's language."""
    rule, top = item["rule"], item["max"]
    if rule["kind"] == Rule.POINTS:
        return _("Points given, 0 to %(max)s.", max=top)
    if rule["kind"] == Rule.KR and rule.get("score") == KRScore.POINTS:
        return _("From the person's key result: its points, at most %(max)s.", max=top)
    if rule["kind"] == Rule.KR:
        return _(
            "From the person's key result: its attainment in percent × %(max)s points.", max=top
        )
    if rule["kind"] == Rule.DEDUCTIONS:
        return _(
            "How many times: %(max)s points, %(each)s each time, not below 0.",
            max=top,
            each=rule.get("each"),
        )
    unit = item.get("unit") or ""
    return _(
        "The measured value%(unit)s, scored by its rule: at most %(max)s points.",
        unit=" (" + unit + ")" if unit else "",
        max=top,
    )


# Checks ------------------------------------------------------------------------------------


def check_sections(c: Problems, data: dict[str, Any]) -> None:
    """Each section and indicator with its place: sections.0.indicators.1.max ..."""
    if data.get("composite", "weighted") not in ("weighted", "points"):
        c.add("composite", _("“composite” must be “weighted” or “points”."))
    keys: set[str] = set()
    for i, section in enumerate(c.listing(data.get("sections"), "sections", _("“sections”"))):
        place = f"sections.{i}"
        key = section.get("key") if isinstance(section, dict) else None
        if not isinstance(key, str) or not key.strip():
            c.add(place, _("Section %(n)d needs a key.", n=i + 1))
            continue
        if key in keys:
            c.add(f"{place}.key", _("Section “%(key)s” is defined twice.", key=key))
        keys.add(key)
        check_label(c, section.get("label", key), f"{place}.label", key)
        if section.get("self_assessed", False) not in (True, False):
            c.add(f"{place}.self_assessed", _("“self_assessed” must be true or false."))
        indicators = c.listing(section.get("indicators"), f"{place}.indicators", key)
        if not indicators:
            c.add(f"{place}.indicators", _("Section “%(key)s” needs indicators.", key=key))
        seen: set[str] = set()
        for j, indicator in enumerate(indicators):
            _check_indicator(c, indicator, f"{place}.indicators.{j}", seen)
            if self_assessed(section) and isinstance(indicator, dict) and kr_fed(indicator):
                c.add(
                    f"{place}.indicators.{j}.rule",
                    _("A self-assessed section cannot have indicators fed by key results."),
                )


def check_label(c: Problems, label: Any, place: str, key: str) -> None:
    texts = label.values() if isinstance(label, dict) else [label]
    if not all(isinstance(t, str) and t.strip() for t in texts):
        c.add(place, _("The label of “%(key)s” must be text, or text per language.", key=key))


def _check_indicator(c: Problems, item: Any, place: str, seen: set[str]) -> None:
    key = item.get("key") if isinstance(item, dict) else None
    if not isinstance(key, str) or not key.strip():
        c.add(place, _("Each indicator needs a key."))
        return
    if key in seen:
        c.add(f"{place}.key", _("Indicator “%(key)s” appears twice.", key=key))
    seen.add(key)
    check_label(c, item.get("label", key), f"{place}.label", key)
    top = c.number(item.get("max"), f"{place}.max", _("The max points of “%(key)s”", key=key))
    if top is not None and top <= 0:
        c.add(f"{place}.max", _("The max points of “%(key)s” must be above 0.", key=key))
    rule = item.get("rule")
    if not isinstance(rule, dict) or rule.get("kind") not in RULE_KINDS:
        c.add(
            f"{place}.rule",
            _(
                "The rule of “%(key)s” needs a kind: %(kinds)s.",
                key=key,
                kinds=", ".join(RULE_KINDS),
            ),
        )
        return
    unknown = sorted(set(rule) - RULE_FIELDS)
    if unknown:
        c.add(f"{place}.rule", _("Unknown fields: %(fields)s.", fields=", ".join(unknown)))
    if rule["kind"] == Rule.KR:
        _check_kr_rule(c, rule, f"{place}.rule", key)
        return
    if "score" in rule:
        c.add(f"{place}.rule.score", _("Only a rule of kind “kr” takes a “score”."))
    for name in ("each", *KR_FIELDS):
        if rule.get(name) is not None:
            c.number(rule[name], f"{place}.rule.{name}", f"{key}.{name}")


def _check_kr_rule(c: Problems, rule: Mapping[str, Any], place: str, key: str) -> None:
    """A key-result-fed rule: a score (points or attainment) and none of a scoring rule's fields:
    the key result linked to the indicator carries its own rule."""
    if rule.get("score") not in tuple(KRScore):
        c.add(
            f"{place}.score",
            _(
                "The rule of “%(key)s” takes its value from a key result: give “score”: “points” or “attainment”.",
                key=key,
            ),
        )
    extra = sorted(set(rule) - {"kind", "score"})
    if extra:
        c.add(
            place,
            _(
                "A key-result-fed rule has no fields of its own besides “score” (the key result carries the rule): %(fields)s.",
                fields=", ".join(extra),
            ),
        )


# Reading -----------------------------------------------------------------------------------


def _spec(rule: Mapping[str, Any]) -> KeyResultSpec:
    numbers = {n: to_decimal(str(rule[n])) for n in KR_FIELDS if rule.get(n) is not None}
    tiers = tuple(
        Tier.of(
            t.get("lower"),
            t.get("upper"),
            t["points"],
            lower_inclusive=bool(t.get("lower_inclusive", True)),
            upper_inclusive=bool(t.get("upper_inclusive", False)),
        )
        for t in rule.get("tiers") or ()
    )
    direction = Direction(rule["direction"]) if rule.get("direction") else None
    return KeyResultSpec(KRKind(rule["kind"]), direction=direction, tiers=tiers, **numbers)


def _indicator(item: Mapping[str, Any], cap: str) -> Indicator:
    key, rule, top = str(item["key"]), item["rule"], item["max"]
    if rule["kind"] == Rule.KR:
        return Indicator.kr(key, str(top), KRScore(rule["score"]), cap)
    if rule["kind"] == Rule.POINTS:
        return Indicator.points(key, str(top))
    if rule["kind"] == Rule.DEDUCTIONS:
        return Indicator.deductions(key, str(top), str(rule.get("each", "0")))
    return Indicator.value(key, str(top), _spec(rule))


def read_sections(data: Mapping[str, Any], errors: list[str]) -> list[Section]:
    """The sections as domain values (their shape checked before); problems go to `errors`."""
    found = []
    cap = str(data.get("attainment_cap") or "1")
    for section in data.get("sections") or []:
        try:
            indicators = tuple(_indicator(i, cap) for i in section.get("indicators") or [])
        except (DomainError, KeyError, TypeError, ValueError) as exc:
            errors.append(
                _("Section “%(key)s” cannot be read: %(error)s", key=section["key"], error=exc)
            )
            continue
        found.append(Section(str(section["key"]), indicators))
    return found


# Canonical form ----------------------------------------------------------------------------


def _canonical_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": rule["kind"]}
    for name in ("each", *KR_FIELDS, "direction", "score"):
        if rule.get(name) is not None:
            out[name] = number_text(rule[name])
    if rule.get("tiers"):
        out["tiers"] = [{k: number_text(v) for k, v in tier.items()} for tier in rule["tiers"]]
    return out


def canonical_sections(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The stored and exported form: labels as given, numbers as exact text, fixed key order."""
    return [
        {
            "key": section["key"].strip(),
            "label": section.get("label") or section["key"],
            **({"self_assessed": True} if self_assessed(section) else {}),
            "indicators": [
                {
                    "key": item["key"].strip(),
                    "label": item.get("label") or item["key"],
                    "max": number_text(item["max"]),
                    **({"unit": item["unit"]} if item.get("unit") else {}),
                    "rule": _canonical_rule(item["rule"]),
                }
                for item in section.get("indicators") or []
            ],
        }
        for section in data.get("sections") or []
    ]
