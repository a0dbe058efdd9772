"""The problems of a review template, collected while it is checked, each with its place.

A place is where a form shows the problem (``parts.kr``, ``bands.1.min``, ``_`` for the whole
template); `Problems` also reads the template's numbers, reporting any that cannot be stored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from okr.domain.errors import DomainError
from okr.domain.numbers import (
    HUNDRED,
    MAX_INTEGER_DIGITS,
    MAX_MAGNITUDE,
    MAX_PLACES,
    decimal_places,
    fmt,
    to_decimal,
)

MAX_POINTS = Decimal(1000)
"""Bound of every points figure of a template (scale, thresholds, adjustments, rating scales)."""


def exact_number(value: Any) -> Decimal | None:
    """An exact number from JSON text, an int or a Decimal; None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return to_decimal(str(value) if isinstance(value, float) else value)
    except DomainError:
        return None


def number_text(value: Any) -> Any:
    """A number as exact text without trailing zeros ("10.50" -> "10.5"); other values as they are."""
    number = exact_number(value)
    return fmt(number) if number is not None else value


def _oversized(text: str) -> bool:
    """Text that is a number, only too large or too precise to be stored."""
    try:
        to_decimal(text)
    except DomainError as exc:
        return exc.code in ("number.too_large", "number.too_many_places")
    return False


def _unstorable(number: Decimal | None) -> bool:
    return number is not None and (
        abs(number) >= MAX_MAGNITUDE or decimal_places(number) > MAX_PLACES
    )


def _out_of_range(number: Decimal, what: str, low: Decimal | None, high: Decimal | None) -> str:
    shown = {"what": what, "value": fmt(number), "high": fmt(high) if high is not None else ""}
    if low is None:
        return _("%(what)s can be at most %(high)s, not %(value)s.", **shown)
    return _("%(what)s must be from %(low)s to %(high)s, not %(value)s.", low=fmt(low), **shown)


def number_problem(
    value: Any, number: Decimal | None, what: str, low: Decimal | None, high: Decimal | None
) -> str | None:
    """What is wrong with a number of the template (`number` is `value` read exactly), if anything."""
    oversized = number is None and isinstance(value, str) and _oversized(value)
    if number is None and (value is None or value == ""):
        return _("%(what)s is missing: enter a number.", what=what)
    if number is None and not oversized:
        return _("%(what)s must be a number, not “%(value)s”.", what=what, value=value)
    if oversized or _unstorable(number):
        return _(
            "%(what)s must have at most %(digits)d digits before the decimal point "
            "and %(places)d after it.",
            what=what,
            digits=MAX_INTEGER_DIGITS,
            places=MAX_PLACES,
        )
    assert number is not None
    if (high is not None and number > high) or (low is not None and number < low):
        return _out_of_range(number, what, low, high)
    return None


class Problems:
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
        number = exact_number(value)
        problem = number_problem(value, number, what, low, high)
        if problem is not None:
            self.add(place, problem)
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
