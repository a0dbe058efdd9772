"""The template format's streak rules: check, read into domain values, canonical form.

```json
"streaks": [
  {"key": "warn", "label": "连续两个月需鼓励：警告", "cycles": 2, "when": {"grade": ["需鼓励"]},
   "consequence": "warning"},
  {"key": "star", "label": "连续三个月前三名：优秀员工", "cycles": 3,
   "when": {"rank": 3, "in": "department"}, "consequence": "title", "title": "优秀员工"}
]
```

``when`` is an outcome rule's condition (okr.schemes.outcome_format); ``consequence`` one of
warning, no_year_end_bonus, dismissal_review, title (with ``title``), points (with ``points``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from okr.domain.numbers import to_decimal
from okr.domain.streaks import Consequence, StreakRule
from okr.schemes.outcome_format import canonical_when, check_when, read_when
from okr.schemes.problems import Problems, number_text

FIELDS = {"key", "label", "cycles", "when", "consequence", "points", "title"}


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
        check_when(c, rule.get("when"), f"{place}.when", key)
        if isinstance(rule.get("when"), dict) and "highest" in rule["when"]:
            c.add(
                f"{place}.when.highest",
                _(
                    "A streak counts grades, scores or ranks, not the highest value of an indicator."
                ),
            )
        if rule.get("consequence") not in tuple(Consequence):
            c.add(
                f"{place}.consequence",
                _("“consequence” is one of %(kinds)s.", kinds=", ".join(Consequence)),
            )
        if rule.get("points") is not None:
            c.number(rule["points"], f"{place}.points", f"{key}.points")


def read_streaks(data: Mapping[str, Any]) -> list[StreakRule]:
    """The rules as domain values (their shape checked before)."""
    return [
        StreakRule(
            rule["key"],
            int(str(rule["cycles"])),
            read_when(rule["when"]),
            Consequence(rule["consequence"]),
            to_decimal(str(rule["points"])) if rule.get("points") is not None else None,
            str(rule.get("title") or ""),
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
            "when": canonical_when(rule["when"]),
            "consequence": rule["consequence"],
            **({"points": number_text(rule["points"])} if rule.get("points") is not None else {}),
            **({"title": rule["title"]} if rule.get("title") else {}),
        }
        for rule in data.get("streaks") or []
    ]
