"""Checking a criterion's rating levels (see `levels`), and the form they are stored in.

Levels are listed lowest first, each a ``value`` where it starts and a ``label``: text, or one
text per language (``{"zh": "达到期望", "en": "Meets expectations"}``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from itertools import pairwise
from typing import Any

from flask_babel import gettext as _

from okr.config import LANGUAGES
from okr.domain.numbers import fmt

MAX_LEVELS = 20
LABEL_LIMIT = 60


def _label(value: Any) -> dict[str, str] | None:
    """A level label as text per language; None when it is neither text nor such an object."""
    if isinstance(value, str):
        return dict.fromkeys(LANGUAGES, value.strip()) if value.strip() else None
    if (
        isinstance(value, dict)
        and value
        and set(value) <= set(LANGUAGES)
        and all(isinstance(v, str) for v in value.values())
        and any(v.strip() for v in value.values())
    ):
        return {k: v.strip() for k, v in value.items() if v.strip()}
    return None


def check_levels(
    value: Any,
    key: str,
    scale: tuple[Decimal | None, Decimal | None],
    number: Callable[[Any], Decimal | None],
) -> list[str]:
    """What is wrong with a criterion's ``levels`` (nothing when absent)."""
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        return [_("The levels of “%(key)s” must be a list of {value, label}.", key=key)]
    if len(value) > MAX_LEVELS:
        return [_("“%(key)s” can have at most %(n)d levels.", key=key, n=MAX_LEVELS)]
    problems: list[str] = []
    starts: list[Decimal] = []
    for n, level in enumerate(value, start=1):
        found, start = _level_problems(n, level, key, number)
        problems += found
        if start is not None:
            starts.append(start)
    if problems or len(starts) != len(value):
        return problems
    return _order_problems(starts, key, scale)


def _level_problems(
    n: int, level: Any, key: str, number: Callable[[Any], Decimal | None]
) -> tuple[list[str], Decimal | None]:
    """What is wrong with level `n` of a criterion, and where it starts (None: not a number)."""
    if not isinstance(level, dict) or set(level) - {"value", "label"}:
        return [_("Level %(n)d of “%(key)s” must be {value, label}.", n=n, key=key)], None
    problems: list[str] = []
    start = number(level.get("value"))
    if start is None:
        problems.append(_("Level %(n)d of “%(key)s” needs a number as its value.", n=n, key=key))
    label = _label(level.get("label"))
    if label is None:
        problems.append(
            _(
                'Level %(n)d of “%(key)s” needs its words: text, or one text per language ({"zh": …, "en": …}).',
                n=n,
                key=key,
            )
        )
    elif any(len(v) > LABEL_LIMIT for v in label.values()):
        problems.append(
            _(
                "The words of level %(n)d of “%(key)s” can be at most %(max)d characters.",
                n=n,
                key=key,
                max=LABEL_LIMIT,
            )
        )
    return problems, start


def _order_problems(
    starts: list[Decimal], key: str, scale: tuple[Decimal | None, Decimal | None]
) -> list[str]:
    """Levels go upward from the scale's lowest rating and none starts above its highest."""
    problems: list[str] = []
    if any(b <= a for a, b in pairwise(starts)):
        problems.append(_("The levels of “%(key)s” must go upward, lowest first.", key=key))
    low, high = scale
    if low is not None and high is not None:
        if starts[0] != low:
            problems.append(
                _(
                    "The first level of “%(key)s” must start at the lowest rating, %(low)s.",
                    key=key,
                    low=fmt(low),
                )
            )
        if starts[-1] > high:
            problems.append(
                _(
                    "A level of “%(key)s” starts above the highest rating, %(high)s.",
                    key=key,
                    high=fmt(high),
                )
            )
    return problems


def canonical_levels(
    value: list[dict[str, Any]], number: Callable[[Any], str]
) -> list[dict[str, Any]]:
    """Checked levels as stored and exported: exact text values, labels per language."""
    out = []
    for level in value:
        label = _label(level["label"])
        assert label is not None
        words: str | dict[str, str] = (
            label[LANGUAGES[0]]
            if isinstance(level["label"], str)
            else {k: label[k] for k in LANGUAGES if k in label}
        )
        out.append({"value": number(level["value"]), "label": words})
    return out
