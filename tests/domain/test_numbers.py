"""Parsing user text to exact Decimals, coercion, rendering and display rounding."""

from decimal import Decimal as D
from decimal import localcontext

import pytest

from okr.domain.errors import InvalidNumber
from okr.domain.numbers import (
    MAX_NUMBER_LENGTH,
    fmt,
    in_domain_context,
    parse_decimal,
    round_display,
    rounding_rule,
    to_decimal,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5", D("12.5")),
        (" 12.5 ", D("12.5")),
        ("\t42\n", D("42")),
        ("1,234.5", D("1234.5")),
        ("1,234,567", D("1234567")),
        ("-3", D("-3")),
        ("+3", D("3")),
        ("−3", D("-3")),
        (".5", D("0.5")),
        ("0", D("0")),
        ("007", D("7")),
        ("１２．５", D("12.5")),
        ("１，２３４", D("1234")),
        ("0.000001", D("0.000001")),
    ],
    ids=[
        "plain",
        "surrounding-spaces",
        "tab-newline",
        "thousands-grouping",
        "two-groups",
        "negative",
        "explicit-plus",
        "unicode-minus",
        "leading-dot",
        "zero",
        "leading-zeros",
        "full-width-digits",
        "full-width-comma",
        "small-fraction",
    ],
)
def test_parse_decimal_accepts_plain_numbers(text: str, expected: D) -> None:
    assert parse_decimal(text) == expected


def test_parse_decimal_keeps_exact_digits() -> None:
    assert str(parse_decimal("0.10")) == "0.10"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "number.empty"),
        ("   ", "number.empty"),
        ("abc", "number.invalid"),
        ("12abc", "number.invalid"),
        ("1e3", "number.invalid"),
        ("1,2", "number.invalid"),
        ("12,34.5", "number.invalid"),
        ("1.2.3", "number.invalid"),
        ("5.", "number.invalid"),
        ("--5", "number.invalid"),
        ("NaN", "number.not_finite"),
        ("nan", "number.not_finite"),
        ("inf", "number.not_finite"),
        ("-Infinity", "number.not_finite"),
        ("∞", "number.not_finite"),
        ("12.5%", "number.percent_not_allowed"),
        ("1" * (MAX_NUMBER_LENGTH + 1), "number.too_long"),
    ],
    ids=[
        "empty",
        "blank",
        "word",
        "trailing-letters",
        "exponent",
        "bad-grouping",
        "bad-grouping-with-fraction",
        "two-dots",
        "trailing-dot",
        "double-sign",
        "nan",
        "nan-lower",
        "inf",
        "minus-infinity",
        "infinity-symbol",
        "percent-not-allowed-by-default",
        "too-long",
    ],
)
def test_parse_decimal_refuses_non_numbers(text: str, code: str) -> None:
    with pytest.raises(InvalidNumber) as exc:
        parse_decimal(text)
    assert exc.value.code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12.5%", D("12.5")), ("12.5 %", D("12.5")), ("3", D("3")), ("１００％", D("100"))],
    ids=["percent-sign", "space-before-percent", "no-sign", "full-width-percent"],
)
def test_parse_decimal_with_percent_allowed_keeps_percentage_points(text: str, expected: D) -> None:
    assert parse_decimal(text, allow_percent=True) == expected


def test_parse_decimal_refuses_lone_percent_sign() -> None:
    with pytest.raises(InvalidNumber) as exc:
        parse_decimal("%", allow_percent=True)
    assert exc.value.code == "number.invalid"


def test_parse_decimal_error_carries_the_text() -> None:
    with pytest.raises(InvalidNumber) as exc:
        parse_decimal("abc")
    assert exc.value.params == {"text": "abc"}
    assert str(exc.value) == "“abc” is not a number."


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("1.5"), D("1.5")), (7, D(7)), ("2,000", D(2000)), (-3, D(-3))],
    ids=["decimal", "int", "text", "negative-int"],
)
def test_to_decimal_coerces_accepted_inputs(value: D | int | str, expected: D) -> None:
    assert to_decimal(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1.5, "number.float"),
        (True, "number.not_number"),
        (None, "number.not_number"),
        (D("NaN"), "number.not_finite"),
        (D("Infinity"), "number.not_finite"),
    ],
    ids=["float", "bool", "none", "decimal-nan", "decimal-inf"],
)
def test_to_decimal_refuses_floats_bools_and_non_finite(value: object, code: str) -> None:
    with pytest.raises(InvalidNumber) as exc:
        to_decimal(value)  # type: ignore[arg-type]
    assert exc.value.code == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("0.50"), "0.5"),
        (D("1E+2"), "100"),
        (D("100"), "100"),
        (D("-0"), "0"),
        (D("-0.000"), "0"),
        (D("12.3400"), "12.34"),
        (D("0.0000001"), "0.0000001"),
        (D("-2.50"), "-2.5"),
    ],
    ids=[
        "trailing-zero",
        "exponent",
        "integer",
        "neg-zero",
        "neg-zero-fraction",
        "zeros",
        "tiny",
        "neg",
    ],
)
def test_fmt_renders_exact_plain_notation(value: D, expected: str) -> None:
    assert fmt(value) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("2.345"), 2, D("2.35")),
        (D("2.344999"), 2, D("2.34")),
        (D("0.5"), 0, D("1")),
        (D("1.5"), 0, D("2")),
        (D("2.5"), 0, D("3")),
        (D("-0.5"), 0, D("-1")),
        (D("-2.345"), 2, D("-2.35")),
        (D("89.995"), 2, D("90.00")),
        (D("89.994"), 2, D("89.99")),
        (D("86.5"), 1, D("86.5")),
        (D("0.3333333333333333333333333333"), 4, D("0.3333")),
        (D("108"), 2, D("108.00")),
    ],
    ids=[
        "half-up-2",
        "below-half",
        "half-to-one",
        "half-odd",
        "half-even-goes-up",
        "negative-half-away-from-zero",
        "negative-2",
        "rounds-up-to-90",
        "stays-below-90",
        "already-exact",
        "thirds",
        "pads-zeros",
    ],
)
def test_round_display_rounds_half_up(value: D, places: int, expected: D) -> None:
    rounded = round_display(value, places)
    assert rounded == expected
    assert str(rounded) == str(expected)


@pytest.mark.parametrize("places", [-1, True, 1.5], ids=["negative", "bool", "float"])
def test_round_display_refuses_bad_places(places: object) -> None:
    with pytest.raises(InvalidNumber) as exc:
        round_display(D("1"), places)  # type: ignore[arg-type]
    assert exc.value.code == "number.invalid_places"


def test_round_display_handles_large_values() -> None:
    assert round_display(D("123456789012345678901234567.555"), 2) == D(
        "123456789012345678901234567.56"
    )


def test_rounding_rule_states_the_rule() -> None:
    assert rounding_rule(2) == "half up to 2 decimals"


def test_domain_context_ignores_callers_precision() -> None:
    @in_domain_context
    def third() -> D:
        return D(1) / D(3)

    with localcontext() as ctx:
        ctx.prec = 3
        assert third() == D("0.3333333333333333333333333333")
