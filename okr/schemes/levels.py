"""Rating levels: the words of each point of a rating scale (1 = 未达到期望 … 5 = 远超期望).

A criterion of a review template may list its ``levels``, lowest first; each level starts at
its ``value`` and reaches up to the next one, and its ``label`` is text or one text per
language (``{"zh": "达到期望", "en": "Meets expectations"}``). A criterion without levels
gets the default wording of its scale when the scale is a built-in one (1–5 stars or 0–100
points), else none. A rating reads as the words of the highest level at or below it.
Checking the levels of a template is `level_checks`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from okr.config import LANGUAGES
from okr.domain.errors import DomainError
from okr.domain.numbers import fmt, to_decimal

MAX_CHOICES = 11  # a scale with at most this many whole points is offered as radio buttons


class Words:
    """A level's words in every language it was given in; ``str()`` reads the reader's."""

    def __init__(self, by_language: Mapping[str, str]) -> None:
        self.by_language = dict(by_language)

    def __str__(self) -> str:
        locale = get_locale()
        language = locale.language if locale else LANGUAGES[0]
        return self.by_language.get(language) or next(iter(self.by_language.values()), "")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Words) and other.by_language == self.by_language

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.by_language.items())))


@dataclass(frozen=True)
class Level:
    """Where a level starts on its scale and what it is called."""

    value: Decimal
    words: object  # Words or a lazy gettext string: str() gives the reader's language


_FIVE = (
    _l("Below expectations"),
    _l("Partly meets expectations"),
    _l("Meets expectations"),
    _l("Exceeds expectations"),
    _l("Far exceeds expectations"),
)
DEFAULT_LEVELS: dict[tuple[Decimal, Decimal], tuple[Level, ...]] = {
    (Decimal(1), Decimal(5)): tuple(Level(Decimal(i + 1), w) for i, w in enumerate(_FIVE)),
    (Decimal(0), Decimal(100)): tuple(
        Level(Decimal(v), w) for v, w in zip((0, 60, 70, 80, 90), _FIVE, strict=True)
    ),
}


def _scale(item: Mapping[str, Any]) -> tuple[Decimal, Decimal]:
    low, high = item.get("scale", ["1", "5"])
    return to_decimal(str(low)), to_decimal(str(high))


def levels_of(item: Mapping[str, Any]) -> tuple[Level, ...]:
    """A stored criterion's levels: its own, else its scale's default wording, else none."""
    given = item.get("levels")
    if given:
        return tuple(
            Level(
                to_decimal(str(level["value"])),
                Words(
                    level["label"]
                    if isinstance(level["label"], dict)
                    else dict.fromkeys(LANGUAGES, level["label"])
                ),
            )
            for level in given
        )
    return DEFAULT_LEVELS.get(_scale(item), ())


def level_words(levels: Sequence[Level], rating: Decimal | str | None) -> str | None:
    """The words of the level a rating reaches (None without levels or rating)."""
    if rating in (None, ""):
        return None
    try:
        value = to_decimal(str(rating))
    except DomainError:
        return None
    found = None
    for level in levels:
        if level.value <= value:
            found = level.words
    return None if found is None else str(found)


@dataclass(frozen=True)
class Choice:
    value: str
    words: str


def choices(item: Mapping[str, Any], levels: Sequence[Level]) -> list[Choice] | None:
    """Every whole point of a short scale with its words, for radio buttons; None for long or
    fractional scales (those are typed, with the levels listed beside the box)."""
    low, high = _scale(item)
    if low != low.to_integral_value() or high != high.to_integral_value():
        return None
    if high - low + 1 > MAX_CHOICES:
        return None
    return [
        Choice(fmt(Decimal(v)), level_words(levels, Decimal(v)) or "")
        for v in range(int(low), int(high) + 1)
    ]


@dataclass(frozen=True)
class Band:
    """A level as a range, for the legend beside a typed rating."""

    low: str
    high: str
    words: str


def bands(item: Mapping[str, Any], levels: Sequence[Level]) -> list[Band]:
    """The levels as ranges from each start to the next (the last reaches the scale's top)."""
    _low, top = _scale(item)
    out = []
    for i, level in enumerate(levels):
        end = levels[i + 1].value if i + 1 < len(levels) else None
        out.append(
            Band(fmt(level.value), fmt(end) if end is not None else fmt(top), str(level.words))
        )
    return out


# What a rating input shows ----------------------------------------------------------------


@dataclass(frozen=True)
class RatingOption:
    value: str
    words: str
    checked: bool


@dataclass(frozen=True)
class RatingInput:
    """How one criterion is rated: radio buttons with words, or a box with the levels beside."""

    low: str
    high: str
    options: list[RatingOption] | None
    bands: list[Band]


def rating_input(item: Mapping[str, Any], levels: Sequence[Level], value: Any) -> RatingInput:
    """The options of a criterion's rating input, the current value checked."""
    low, high = _scale(item)
    try:
        current = to_decimal(str(value)) if value not in (None, "") else None
    except DomainError:
        current = None
    found = choices(item, levels)
    options = (
        None
        if found is None
        else [RatingOption(c.value, c.words, current == Decimal(c.value)) for c in found]
    )
    if options is not None and value not in (None, "") and not any(o.checked for o in options):
        # A value the buttons do not offer (typed elsewhere, or refused) stays visible and chosen.
        words = (
            level_words(levels, value) if current is not None and low <= current <= high else None
        )
        options.append(RatingOption(str(value), words or _("not on the scale"), True))
    return RatingInput(fmt(low), fmt(high), options, [] if options else bands(item, levels))
