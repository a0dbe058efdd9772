"""Numbers as people type them (grouping, 万 and 亿), the bounds every typed number has, and units."""

from decimal import Decimal as D

import pytest

from okr.domain.errors import InvalidNumber
from okr.domain.numbers import check_range, decimal_places, parse_decimal, quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19,600", D(19600)),
        ("1.5万", D(15000)),
        ("1.5 万", D(15000)),
        ("-1.5万", D(-15000)),
        ("2亿", D(200_000_000)),
        ("1.25亿", D(125_000_000)),
        ("3千", D(3000)),
        ("１．５万", D(15000)),
        ("１９，６００", D(19600)),
        ("1,200万", D(12_000_000)),
        ("0.0001万", D(1)),
        ("999,999,999,999,999", D(999_999_999_999_999)),
        ("-999999999999999.999999", D("-999999999999999.999999")),
    ],
)
def test_grouping_and_chinese_multipliers_are_read_exactly(text: str, expected: D) -> None:
    value = parse_decimal(text)
    assert value == expected
    assert "E" not in str(value)  # 1.5万 is 15000, not 1.5E+4


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("99999999999999999999999", "number.too_large"),
        ("1000000000000000", "number.too_large"),
        ("-1000000000000000", "number.too_large"),
        ("10万亿", "number.invalid"),
        ("1000万亿", "number.invalid"),
        ("10000000亿", "number.too_large"),
        ("0.1234567", "number.too_many_places"),
        ("0.00000000001万", "number.too_many_places"),
        ("万", "number.invalid"),
        ("1万万", "number.invalid"),
        ("1e3万", "number.invalid"),
    ],
)
def test_numbers_storage_would_overflow_or_round_are_refused(text: str, code: str) -> None:
    with pytest.raises(InvalidNumber) as exc:
        parse_decimal(text)
    assert exc.value.code == code


def test_a_multiplier_and_a_percent_sign_together_are_refused() -> None:
    assert parse_decimal("65%", allow_percent=True) == D(65)
    with pytest.raises(InvalidNumber) as exc:
        parse_decimal("5万%", allow_percent=True)
    assert exc.value.code == "number.invalid"


def test_the_too_large_message_says_the_limit() -> None:
    with pytest.raises(InvalidNumber) as exc:
        parse_decimal("99999999999999999999999")
    assert str(exc.value) == (
        "“99999999999999999999999” is too large: at most 15 digits before the decimal point."
    )


def test_trailing_zeros_are_not_decimals() -> None:
    assert decimal_places(D("12.50")) == 1
    assert decimal_places(D("1.5E+4")) == 0
    assert parse_decimal("1.1234560") == D("1.123456")


@pytest.mark.parametrize(
    ("value", "low", "high", "code"),
    [
        (D(110), 0, 100, "number.out_of_range"),
        (D(-10), 0, 100, "number.out_of_range"),
        (D(-1), 0, None, "number.below_min"),
        (D(1001), None, 1000, "number.above_max"),
    ],
)
def test_values_outside_a_fields_range_are_refused(value, low, high, code) -> None:
    with pytest.raises(InvalidNumber) as exc:
        check_range(value, low, high)
    assert exc.value.code == code


@pytest.mark.parametrize("value", [D(0), D(100), D("99.5")])
def test_range_bounds_are_inclusive(value: D) -> None:
    assert check_range(value, 0, 100) == value


def test_a_range_message_names_both_bounds() -> None:
    with pytest.raises(InvalidNumber) as exc:
        check_range(D(110), 0, 100)
    assert str(exc.value) == "Enter a number from 0 to 100, not 110."


@pytest.mark.parametrize(
    ("value", "unit", "written"),
    [
        (D(65), "%", "65%"),
        (D("65.50"), "%", "65.5%"),
        (D(1200), "元", "1200元"),
        (D(50), "人", "50人"),
        (D("1.5"), "万元", "1.5万元"),
        (D(60), "s", "60 s"),
        (D(12), "visitors", "12 visitors"),
        (D(3), " 篇 ", "3篇"),
        (D(7), "", "7"),
        (D(7), None, "7"),
        (D(2), "‰", "2‰"),
        ("40000", "人", "40000人"),
    ],
)
def test_a_value_and_its_unit_are_written_one_way(value, unit, written) -> None:
    assert quantity(value, unit) == written


def test_no_value_is_written_as_asked() -> None:
    assert quantity(None, "%") == ""
    assert quantity(None, "%", empty="—") == "—"
