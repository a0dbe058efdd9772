"""The template format's outcome rules (奖惩): check, read into domain values, canonical form.

```json
"outcomes": [
  {"key": "top1", "label": "月度第一名奖励现金", "when": {"rank": 1, "in": "department"}, "money": "100"},
  {"key": "above_108", "label": "超过108分奖励", "when": {"above": "108"},
   "money": {"min": "50", "max": "200"}},
  {"key": "below_65", "label": "低于65分惩处", "when": {"below": "65"},
   "money": {"min": "-200", "max": "-50"}},
  {"key": "coefficient_a", "label": "绩效系数", "when": {"grade": ["优秀"]}, "coefficient": "1.2"}
]
```

A condition is ``grade`` (a list of band labels), a score bound or two (``above`` / ``at_least``
and ``below`` / ``at_most``), or ``rank`` (at most N) ``in`` the department (default) or the
company, or ``highest`` (``"section.indicator"``, the highest value of one scorecard indicator)
``in`` the department or the company. Each rule gives one of ``money`` (yuan), ``points`` or ``coefficient``: an amount, or
``{"min", "max"}`` for a range settled by HR.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from okr.domain.numbers import to_decimal
from okr.domain.outcomes import SCOPES, Gives, OutcomeRule, When
from okr.schemes.problems import Problems, number_text

BOUNDS = ("above", "at_least", "below", "at_most")
WHEN_FIELDS = {"grade", "rank", "highest", "in", *BOUNDS}


def check_outcomes(c: Problems, data: dict[str, Any]) -> None:
    """Each rule with its place: outcomes.0.when, outcomes.1.money ..."""
    keys: set[str] = set()
    for i, rule in enumerate(c.listing(data.get("outcomes"), "outcomes", _("“outcomes”"))):
        place = f"outcomes.{i}"
        key = rule.get("key") if isinstance(rule, dict) else None
        if not isinstance(key, str) or not key.strip():
            c.add(place, _("Reward or penalty %(n)d needs a key.", n=i + 1))
            continue
        if key in keys:
            c.add(f"{place}.key", _("“%(key)s” is defined twice.", key=key))
        keys.add(key)
        check_when(c, rule.get("when"), f"{place}.when", key)
        given = [g for g in Gives if g.value in rule]
        if len(given) != 1:
            c.add(place, _("“%(key)s” gives one of money, points or coefficient.", key=key))
            continue
        amount = rule[given[0].value]
        ends = amount.items() if isinstance(amount, dict) else [("", amount)]
        for end, value in ends:
            c.number(value, f"{place}.{given[0].value}", f"{key} {end}".strip())


def check_when(c: Problems, when: Any, place: str, key: str) -> None:
    """A rule's condition (an outcome's or a streak's), each problem at its place."""
    if not isinstance(when, dict) or not when or set(when) - WHEN_FIELDS:
        c.add(
            place,
            _(
                "“when” of “%(key)s” takes grade, above, at_least, below, at_most, or rank or highest with in.",
                key=key,
            ),
        )
        return
    for bound in BOUNDS:
        if when.get(bound) is not None:
            c.number(when[bound], f"{place}.{bound}", f"{key}.{bound}")
    if "rank" in when and not str(when["rank"]).isdigit():
        c.add(f"{place}.rank", _("The rank of “%(key)s” must be a whole number.", key=key))
    if "highest" in when and not (isinstance(when["highest"], str) and "." in when["highest"]):
        c.add(
            f"{place}.highest",
            _("“highest” of “%(key)s” names an indicator as section.indicator.", key=key),
        )
    if when.get("in", "department") not in SCOPES:
        c.add(f"{place}.in", _("“in” must be “department” or “company”."))
    if "grade" in when and not (
        isinstance(when["grade"], list) and all(isinstance(g, str) for g in when["grade"])
    ):
        c.add(f"{place}.grade", _("“grade” must be a list of grade labels."))


def read_when(when: Mapping[str, Any]) -> When:
    """A condition as the domain reads it (its shape checked before)."""

    def number(name: str) -> Any:
        return to_decimal(str(when[name])) if when.get(name) is not None else None

    low_name = "at_least" if when.get("at_least") is not None else "above"
    high_name = "at_most" if when.get("at_most") is not None else "below"
    return When(
        grades=frozenset(when.get("grade") or ()),
        low=number(low_name),
        low_inclusive=low_name == "at_least",
        high=number(high_name),
        high_inclusive=high_name == "at_most",
        rank=int(str(when["rank"])) if "rank" in when else None,
        scope=str(when.get("in", "department")),
        highest=str(when["highest"]).strip() if "highest" in when else None,
    )


def read_outcomes(data: Mapping[str, Any]) -> list[OutcomeRule]:
    """The rules as domain values (their shape checked before)."""
    rules = []
    for rule in data.get("outcomes") or []:
        gives = next(g for g in Gives if g.value in rule)
        amount = rule[gives.value]
        if isinstance(amount, dict):
            low, high = (to_decimal(str(amount[end])) for end in ("min", "max"))
            rules.append(OutcomeRule(rule["key"], read_when(rule["when"]), gives, None, low, high))
        else:
            rules.append(
                OutcomeRule(rule["key"], read_when(rule["when"]), gives, to_decimal(str(amount)))
            )
    return rules


def canonical_when(when: Mapping[str, Any]) -> dict[str, Any]:
    """A condition as stored: bounds as exact text, a rank with its scope."""
    if "rank" in when and "highest" not in when:  # both: kept, for the one-condition refusal
        return {"rank": int(str(when["rank"])), "in": when.get("in", "department")}
    if "highest" in when and "rank" not in when:
        return {"highest": str(when["highest"]).strip(), "in": when.get("in", "department")}
    return {k: number_text(v) if k in BOUNDS else v for k, v in when.items()}


def canonical_outcomes(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The stored and exported form: numbers as exact text, fixed key order."""
    found = []
    for rule in data.get("outcomes") or []:
        gives = next(g.value for g in Gives if g.value in rule)
        amount = rule[gives]
        found.append(
            {
                "key": rule["key"].strip(),
                "label": rule.get("label") or rule["key"],
                "when": canonical_when(rule["when"]),
                gives: {k: number_text(v) for k, v in amount.items()}
                if isinstance(amount, dict)
                else number_text(amount),
            }
        )
    return found
