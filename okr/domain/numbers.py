"""Exact numbers: parsing user text, arithmetic context, display rounding.

Decisions (documented here because scores drive pay):

* Every value is a ``decimal.Decimal``; floats are refused outright.
* ``parse_decimal`` accepts plain decimal notation only: an optional sign, digits with
  optional ``,`` thousands grouping in groups of three (``19,600``, ``1,234.5``), an optional
  fraction (``.5`` allowed), and an optional Chinese multiplier at the end, with or without
  a space: ``千`` (1,000), ``万`` (10,000), ``亿`` (100,000,000), so ``"1.5万"`` and
  ``"1.5 万"`` read as 15000.  Surrounding whitespace is ignored and full-width characters
  (``１２．５``, ``，``, ``％``) and the Unicode minus sign are normalised first.  Refused:
  empty text, words, NaN, infinity, exponents (``1e3``), ambiguous grouping (``1,2``), more
  than ``MAX_NUMBER_LENGTH`` characters.
* Every typed number must fit what is stored without loss: at most ``MAX_INTEGER_DIGITS``
  digits before the decimal point (below 10^15) and at most ``MAX_PLACES`` decimals
  (columns keep 12, which leaves room for a percentage divided by 100).  Fields narrow this
  further with ``check_range`` (weights 0..100, caps, points ...).
* A trailing ``%`` is accepted only with ``allow_percent=True`` and is then simply dropped:
  values are kept in the metric's own unit, so ``"12.5%"`` reads as ``12.5`` (percentage
  points), never ``0.125``.  A multiplier and a percent sign together (``5万%``) are refused.
* All domain arithmetic runs in ``DOMAIN_CONTEXT`` (28 significant digits, half-even,
  traps on invalid operations), whatever the caller's thread context is.  Sums, differences
  and products of entered values are exact; quotients carry 28 significant digits.
* Rounding happens once, at display: ``round_display`` rounds half up (away from zero on
  ties, so ``-0.5`` becomes ``-1``) to the requested number of decimals (``ROUNDING_RULE``).
* A value with its unit is written by ``quantity`` everywhere (pages, spreadsheets, PDFs):
  no space before a symbol unit or a Chinese unit (``65%``, ``1200元``, ``50人``), one space
  before a word (``60 s``, ``12 visitors``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import ParamSpec, TypeVar

from okr.domain.errors import InvalidNumber

Number = Decimal | int | str
"""What domain functions accept for a number; ``str`` goes through ``parse_decimal``."""

DOMAIN_CONTEXT = Context(
    prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)
MAX_NUMBER_LENGTH = 40
MAX_INTEGER_DIGITS = 15
MAX_MAGNITUDE = Decimal(10) ** MAX_INTEGER_DIGITS
"""Typed numbers must be smaller than this in size (fits the 20 integer digits of a column)."""
MAX_PLACES = 6
MULTIPLIERS = {"千": Decimal(1000), "万": Decimal(10_000), "亿": Decimal(100_000_000)}
ROUNDING_RULE = "half up to {places} decimals"
"""The display rounding rule; also the English template of step code ``round.half_up``."""

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

_P = ParamSpec("_P")
_R = TypeVar("_R")

_NUMBER_RE = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)")
_NOT_FINITE = {"nan", "snan", "inf", "infinity", "+inf", "-inf", "+infinity", "-infinity"}
_NOT_FINITE |= {"+nan", "-nan", "∞", "+∞", "-∞"}


def in_domain_context(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run the decorated computation in DOMAIN_CONTEXT so results never depend on the caller."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(DOMAIN_CONTEXT):
            return fn(*args, **kwargs)

    return wrapper


def parse_decimal(text: str, *, allow_percent: bool = False) -> Decimal:
    """Read user text as an exact Decimal; refuse anything that is not a plain finite number."""
    if not isinstance(text, str):
        raise InvalidNumber("number.not_text", {"value": repr(text)})
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    if not cleaned:
        raise InvalidNumber("number.empty")
    if len(cleaned) > MAX_NUMBER_LENGTH:
        raise InvalidNumber(
            "number.too_long", {"text": text[:20] + "…", "max": str(MAX_NUMBER_LENGTH)}
        )
    if cleaned.lower() in _NOT_FINITE:
        raise InvalidNumber("number.not_finite", {"text": text})
    percent = cleaned.endswith("%")
    if percent:
        if not allow_percent:
            raise InvalidNumber("number.percent_not_allowed", {"text": text})
        cleaned = cleaned[:-1].rstrip()
    multiplier = MULTIPLIERS.get(cleaned[-1:]) if not percent else None
    if multiplier is not None:
        cleaned = cleaned[:-1].rstrip()
    if not _NUMBER_RE.fullmatch(cleaned):
        raise InvalidNumber("number.invalid", {"text": text})
    value = Decimal(cleaned.replace(",", ""))
    if multiplier is not None:
        with localcontext(Context(prec=MAX_NUMBER_LENGTH + 10)):
            value = Decimal(fmt(value * multiplier))  # 1.5万 is 15000, not 15000.0
    return _storable(value, text)


def _storable(value: Decimal, text: str) -> Decimal:
    """Refuse typed numbers that storage would overflow or round."""
    if abs(value) >= MAX_MAGNITUDE:
        raise InvalidNumber("number.too_large", {"text": text, "digits": str(MAX_INTEGER_DIGITS)})
    if decimal_places(value) > MAX_PLACES:
        raise InvalidNumber("number.too_many_places", {"text": text, "places": str(MAX_PLACES)})
    return value


def decimal_places(value: Decimal) -> int:
    """How many decimals a value really has (trailing zeros do not count): 12.50 has 1."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_range(
    value: Decimal, minimum: Decimal | int | None = None, maximum: Decimal | int | None = None
) -> Decimal:
    """A value must lie within a field's bounds (both inclusive; None means no bound)."""
    low = None if minimum is None else Decimal(minimum)
    high = None if maximum is None else Decimal(maximum)
    if (low is not None and value < low) or (high is not None and value > high):
        params = {"value": fmt(value)}
        if low is not None:
            params["min"] = fmt(low)
        if high is not None:
            params["max"] = fmt(high)
        code = (
            "number.out_of_range"
            if low is not None and high is not None
            else "number.below_min"
            if low is not None
            else "number.above_max"
        )
        raise InvalidNumber(code, params)
    return value


def to_decimal(value: Number) -> Decimal:
    """Coerce an accepted input (Decimal, int, text) to a finite Decimal; floats are refused."""
    if isinstance(value, bool):
        raise InvalidNumber("number.not_number", {"value": repr(value)})
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidNumber("number.not_finite", {"text": str(value)})
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return parse_decimal(value)
    if isinstance(value, float):
        raise InvalidNumber("number.float", {"value": repr(value)})
    raise InvalidNumber("number.not_number", {"value": repr(value)})


def to_decimal_or_none(value: Number | None) -> Decimal | None:
    """Like to_decimal, but None (no value entered yet) stays None."""
    return None if value is None else to_decimal(value)


def fmt(value: Decimal) -> str:
    """Render a Decimal exactly in plain notation without trailing fraction zeros (for steps)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def round_display(value: Decimal, places: int) -> Decimal:
    """Round for display only: half up (ties away from zero) to `places` decimals."""
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise InvalidNumber("number.invalid_places", {"places": repr(places)})
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidNumber("number.not_finite", {"text": str(value)})
    exponent = Decimal(1).scaleb(-places)
    with localcontext(DOMAIN_CONTEXT) as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() + places + 2)
        return value.quantize(exponent, rounding=ROUND_HALF_UP)


_TIGHT_UNITS = frozenset("%‰‱°℃℉")


def quantity(value: Decimal | int | str | None, unit: str | None, *, empty: str = "") -> str:
    """A value with its unit, written one way everywhere: 65%, 1200元, 50人, 60 s, 12 visitors.

    `value` is an exact number (stored text such as "40000" is read as one); None gives `empty`.
    """
    if value is None or value == "":
        return empty
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return join_unit(fmt(number), unit)


def join_unit(number: str, unit: str | None) -> str:
    """Number text followed by its unit, with a space only before a unit written as a word."""
    unit = (unit or "").strip()
    if not unit:
        return number
    return f"{number}{unit}" if tight_unit(unit) else f"{number} {unit}"


def tight_unit(unit: str) -> bool:
    """Whether a unit is written right after the number: symbols and Chinese (CJK) units."""
    first = unit[:1]
    return first in _TIGHT_UNITS or unicodedata.east_asian_width(first) in ("W", "F")


def rounding_rule(places: int) -> str:
    """The display rounding rule as an English sentence, e.g. 'half up to 2 decimals'."""
    return ROUNDING_RULE.format(places=places)
