"""Exact numbers: parsing user text, arithmetic context, display rounding.

Decisions (documented here because scores drive pay):

* Every value is a ``decimal.Decimal``; floats are refused outright.
* ``parse_decimal`` accepts plain decimal notation only: an optional sign, digits with
  optional ``,`` thousands grouping in groups of three (``1,234.5``), an optional fraction
  (``.5`` allowed).  Surrounding whitespace is ignored and full-width characters
  (``１２．５``, ``，``) and the Unicode minus sign are normalised first.  Refused: empty
  text, words, NaN, infinity, exponents (``1e3``), ambiguous grouping (``1,2``), more than
  ``MAX_NUMBER_LENGTH`` characters.
* A trailing ``%`` is accepted only with ``allow_percent=True`` and is then simply dropped:
  values are kept in the metric's own unit, so ``"12.5%"`` reads as ``12.5`` (percentage
  points), never ``0.125``.
* All domain arithmetic runs in ``DOMAIN_CONTEXT`` (28 significant digits, half-even,
  traps on invalid operations), whatever the caller's thread context is.  Sums, differences
  and products of entered values are exact; quotients carry 28 significant digits.
* Rounding happens once, at display: ``round_display`` rounds half up (away from zero on
  ties, so ``-0.5`` becomes ``-1``) to the requested number of decimals (``ROUNDING_RULE``).
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
    if cleaned.endswith("%"):
        if not allow_percent:
            raise InvalidNumber("number.percent_not_allowed", {"text": text})
        cleaned = cleaned[:-1].rstrip()
    if not _NUMBER_RE.fullmatch(cleaned):
        raise InvalidNumber("number.invalid", {"text": text})
    return Decimal(cleaned.replace(",", ""))


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


def rounding_rule(places: int) -> str:
    """The display rounding rule as an English sentence, e.g. 'half up to 2 decimals'."""
    return ROUNDING_RULE.format(places=places)
