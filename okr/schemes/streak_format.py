"""The template format's streak rules: check, read into domain values, canonical form.

```json
"streaks": [
  {"key": "warn", "label": "连续两个月需鼓励：警告", "cycles": 2, "when": {"grade": ["需鼓励"]},
   "consequence": "warning"},
  {"key": "star", "label": "连续三个月前三名：优秀员工", "cycles": 3,
   "when": {"rank": 3, "in": "department"}, "consequence": "title", "title": "优秀员工"}
]
```

An absent rule counts the cycles in a row without an outcome rule (seed 003, "6个月一次未获得的编辑,
减1分"): ``{"key": "no_award", "cycles": 6, "absent": true, "outcome": "monthly_award",
"consequence": "points", "points": "-1"}``, with no ``when``.

``when`` is an outcome rule's condition (okr.schemes.outcome_format); ``consequence`` one of
warning, no_year_end_bonus, dismissal_review, title (with ``title``), points (with ``points``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from okr.domain.numbers import to_decimal
from okr.domain.outcomes import When
from okr.domain.streaks import Consequence, StreakRule
from okr.schemes.outcome_format import canonical_when, check_when, read_when
from okr.schemes.problems import Problems, number_text

FIELDS = {"key", "label", "cycles", "when", "consequence", "points", "title", "absent", "outcome"}


def check_streaks(c: Problems, data: dict[str, Any]) -> None:
    """Each rule with its place: streaks.0.cycles, streaks.1.when ..."""
    keys: set[str] = set()
    for i, rule in enumerate(c.listing(data.get("streaks"), "streaks", _("“streaks”"))):
        place = f"streaks.{i}"
        key = rule.get("key") if isinstance(rule, dict) else None
        if not isinstance(key, str) or not key.strip():
            c.add(place, _("Streak rule %(n)d needs a key.", n=i + 1))
            continue
        if key in keys:
            c.add(f"{place}.key", _("“%(key)s” is defined twice.", key=key))
        keys.add(key)
        if set(rule) - FIELDS:
            c.add(
                place,
                _("Unknown fields: %(fields)s.", fields=", ".join(sorted(set(rule) - FIELDS))),
            )
        if not str(rule.get("cycles", "")).isdigit():
            c.add(f"{place}.cycles", _("“cycles” must be a whole number of cycles in a row."))
        if rule.get("absent") not in (None, True, False):
            c.add(f"{place}.absent", _("“absent” is true or false."))
        elif rule.get("absent"):
            _check_absent(c, rule, place, data)
        else:
            check_when(c, rule.get("when"), f"{place}.when", key)
        if rule.get("consequence") not in tuple(Consequence):
            c.add(
                f"{place}.consequence",
                _("“consequence” is one of %(kinds)s.", kinds=", ".join(Consequence)),
            )
        if rule.get("points") is not None:
            c.number(rule["points"], f"{place}.points", f"{key}.points")


def _check_absent(c: Problems, rule: dict[str, Any], place: str, data: dict[str, Any]) -> None:
    """An absent rule names one of the template's outcome rules and has no condition."""
    if rule.get("when") is not None:
        c.add(f"{place}.when", _("A rule on an absent outcome takes no “when”."))
    outcomes = data.get("outcomes") if isinstance(data.get("outcomes"), list) else []
    keys = {o.get("key") for o in outcomes if isinstance(o, dict)}
    outcome = rule.get("outcome")
    if not isinstance(outcome, str) or not outcome.strip():
        c.add(f"{place}.outcome", _("Name the outcome rule (its key) whose absence counts."))
    elif outcome not in keys:
        c.add(
            f"{place}.outcome",
            _("“%(key)s” is not one of the template's outcome rules.", key=outcome),
        )


def read_streaks(data: Mapping[str, Any]) -> list[StreakRule]:
    """The rules as domain values (their shape checked before)."""
    return [
        StreakRule(
            rule["key"],
            int(str(rule["cycles"])),
            When() if rule.get("absent") else read_when(rule["when"]),
            Consequence(rule["consequence"]),
            to_decimal(str(rule["points"])) if rule.get("points") is not None else None,
            str(rule.get("title") or ""),
            rule.get("absent") is True,
            str(rule.get("outcome") or "") if rule.get("absent") else "",
        )
        for rule in data.get("streaks") or []
    ]


def canonical_streaks(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The stored and exported form: fixed key order, numbers as exact text."""
    return [
        {
            "key": rule["key"].strip(),
            "label": rule.get("label") or rule["key"],
            "cycles": int(str(rule["cycles"])),
            **(
                {"absent": True, "outcome": rule["outcome"]}
                if rule.get("absent")
                else {"when": canonical_when(rule["when"])}
            ),
            "consequence": rule["consequence"],
            **({"points": number_text(rule["points"])} if rule.get("points") is not None else {}),
            **({"title": rule["title"]} if rule.get("title") else {}),
        }
        for rule in data.get("streaks") or []
    ]
