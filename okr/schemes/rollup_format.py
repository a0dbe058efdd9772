"""The template format's roll-up parts: check, read into domain values, canonical form.

A roll-up part of a half-year or yearly template takes the released composites of a person's
appraisals under another template family in the cycles within (okr.domain.cycle_rollup):

```json
"rollups": [
  {"key": "monthly", "label": {"zh": "1–12 月月度得分", "en": "Monthly results"},
   "rollup": {"family": "new-media-monthly", "of": "mean", "cycles": "within"},
   "bonuses": [
     {"key": "award", "label": "获得月度奖", "points": "4", "outcome": "monthly_award"},
     {"key": "top3", "label": "入TOP3", "points": "2", "top": 3}
   ]}
]
```

``of`` is ``mean`` (of the results present, the count stated) or ``sum``; ``cycles`` is
``within``. A bonus gives its signed ``points`` per cycle in which the outcome rule
``outcome`` (a key of the rolled-up family's outcomes) applied, or the result ranked at most
``top`` in its department; ``cap`` (optional) caps one bonus's total, set only where the
scheme caps it. Problems carry their places (``rollups.0.rollup.of``,
``rollups.0.bonuses.1.points`` ...) like the other template fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from okr.domain.cycle_rollup import WITHIN, CycleRollup, Of, YearEndBonus
from okr.domain.numbers import ZERO, to_decimal
from okr.schemes.problems import Problems, number_text
from okr.schemes.scorecards import check_label, section_keys

KEY = re.compile(r"[A-Za-z0-9_]{1,64}")
FIELDS = {"key", "label", "rollup", "bonuses"}
ROLLUP_FIELDS = {"family", "of", "cycles"}
BONUS_FIELDS = {"key", "label", "points", "outcome", "top", "cap"}
BUILT_IN_PARTS = ("kr", "peer", "interview", "self")


def check_rollups(c: Problems, data: dict[str, Any]) -> None:
    """Each roll-up part with its place: rollups.0.key, rollups.0.rollup.family ..."""
    keys: set[str] = set(section_keys(data))
    parts = data.get("parts") if isinstance(data.get("parts"), dict) else {}
    for i, part in enumerate(c.listing(data.get("rollups"), "rollups", _("“rollups”"))):
        place = f"rollups.{i}"
        if not isinstance(part, dict):
            c.add(place, _("Roll-up %(n)d must be a JSON object.", n=i + 1))
            continue
        key = part.get("key")
        if not isinstance(key, str) or not KEY.fullmatch(key.strip()):
            c.add(f"{place}.key", _("Roll-up %(n)d needs a key of letters, digits or _.", n=i + 1))
            continue
        key = key.strip()
        if key in keys or key in BUILT_IN_PARTS:
            c.add(f"{place}.key", _("“%(key)s” is defined twice.", key=key))
        keys.add(key)
        if key not in parts:
            c.add(f"{place}.key", _("Give “%(key)s” its weight in “parts”.", key=key))
        check_label(c, part.get("label", key), f"{place}.label", key)
        if set(part) - FIELDS:
            c.add(
                place,
                _("Unknown fields: %(fields)s.", fields=", ".join(sorted(set(part) - FIELDS))),
            )
        _check_rollup(c, part.get("rollup"), f"{place}.rollup", key)
        _check_bonuses(c, part.get("bonuses"), f"{place}.bonuses")


def _check_rollup(c: Problems, rollup: Any, place: str, key: str) -> None:
    if not isinstance(rollup, dict):
        c.add(place, _("“%(key)s” needs “rollup”: {family, of, cycles}.", key=key))
        return
    if set(rollup) - ROLLUP_FIELDS:
        fields = ", ".join(sorted(set(rollup) - ROLLUP_FIELDS))
        c.add(place, _("Unknown fields: %(fields)s.", fields=fields))
    family = rollup.get("family")
    if not isinstance(family, str) or not family.strip():
        c.add(f"{place}.family", _("Name the template family whose results are rolled up."))
    if rollup.get("of", Of.MEAN.value) not in tuple(Of):
        c.add(f"{place}.of", _("“of” is “mean” or “sum”."))
    if rollup.get("cycles", WITHIN) != WITHIN:
        c.add(f"{place}.cycles", _("“cycles” is “within”: the cycles within this one."))


def _check_bonuses(c: Problems, bonuses: Any, place: str) -> None:
    keys: set[str] = set()
    for i, bonus in enumerate(c.listing(bonuses, place, _("“bonuses”"))):
        where = f"{place}.{i}"
        key = bonus.get("key") if isinstance(bonus, dict) else None
        if not isinstance(key, str) or not KEY.fullmatch(key.strip()):
            c.add(where, _("Year-end bonus %(n)d needs a key of letters, digits or _.", n=i + 1))
            continue
        if key in keys:
            c.add(f"{where}.key", _("“%(key)s” is defined twice.", key=key))
        keys.add(key)
        check_label(c, bonus.get("label", key), f"{where}.label", key)
        if set(bonus) - BONUS_FIELDS:
            fields = ", ".join(sorted(set(bonus) - BONUS_FIELDS))
            c.add(where, _("Unknown fields: %(fields)s.", fields=fields))
        points = c.number(bonus.get("points"), f"{where}.points", f"{key}.points")
        if points is not None and points == ZERO:
            c.add(f"{where}.points", _("The points of “%(key)s” must not be 0.", key=key))
        has_outcome, has_top = bonus.get("outcome") is not None, bonus.get("top") is not None
        if has_outcome == has_top:
            c.add(where, _("“%(key)s” takes one condition: “outcome” or “top”.", key=key))
        if has_outcome and not (isinstance(bonus["outcome"], str) and bonus["outcome"].strip()):
            c.add(f"{where}.outcome", _("“outcome” is the key of an outcome rule."))
        if has_top and (
            isinstance(bonus["top"], bool)
            or not re.fullmatch(r"\d{1,4}", str(bonus["top"]))
            or int(str(bonus["top"])) < 1
        ):
            c.add(f"{where}.top", _("“top” must be a whole number from 1."))
        if bonus.get("cap") is not None:
            cap = c.number(bonus["cap"], f"{where}.cap", f"{key}.cap", ZERO)
            if cap is not None and cap == ZERO:
                c.add(f"{where}.cap", _("A cap must be above 0; leave it out for no cap."))


def rollup_keys(data: Mapping[str, Any]) -> list[str]:
    """The keys of the template's roll-up parts (of a checked template)."""
    return [str(p["key"]).strip() for p in data.get("rollups") or [] if isinstance(p, dict)]


def read_rollups(data: Mapping[str, Any]) -> dict[str, CycleRollup]:
    """The roll-up parts as domain values, by part key (their shape checked before)."""
    return {
        str(part["key"]).strip(): CycleRollup(
            str(part["rollup"]["family"]).strip(),
            Of(part["rollup"].get("of", Of.MEAN.value)),
            str(part["rollup"].get("cycles", WITHIN)),
            tuple(
                YearEndBonus(
                    str(b["key"]).strip(),
                    to_decimal(str(b["points"])),
                    str(b["outcome"]).strip() if b.get("outcome") is not None else None,
                    int(str(b["top"])) if b.get("top") is not None else None,
                    to_decimal(str(b["cap"])) if b.get("cap") is not None else None,
                )
                for b in part.get("bonuses") or []
            ),
        )
        for part in data.get("rollups") or []
    }


def canonical_rollups(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The stored and exported form: defaults written out, numbers as exact text."""
    return [
        {
            "key": str(part["key"]).strip(),
            "label": part.get("label") or str(part["key"]).strip(),
            "rollup": {
                "family": str(part["rollup"]["family"]).strip(),
                "of": part["rollup"].get("of", Of.MEAN.value),
                "cycles": part["rollup"].get("cycles", WITHIN),
            },
            "bonuses": [
                {
                    "key": str(b["key"]).strip(),
                    "label": b.get("label") or str(b["key"]).strip(),
                    "points": number_text(b["points"]),
                    **(
                        {"outcome": str(b["outcome"]).strip()}
                        if b.get("outcome") is not None
                        else {"top": int(str(b["top"]))}
                    ),
                    **({"cap": number_text(b["cap"])} if b.get("cap") is not None else {}),
                }
                for b in part.get("bonuses") or []
            ],
        }
        for part in data.get("rollups") or []
    ]
