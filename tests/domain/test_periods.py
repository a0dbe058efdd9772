"""Cycle periods, their labels, neighbours and ISO weeks."""

from datetime import date

import pytest

from okr.domain.errors import InvalidPeriod
from okr.domain.periods import (
    CycleKind,
    Period,
    next_period,
    period_containing,
    period_from_label,
    previous_period,
    week_start,
    weeks_of,
)

M, Q, H, Y = CycleKind.MONTH, CycleKind.QUARTER, CycleKind.HALF_YEAR, CycleKind.YEAR


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "label"),
    [
        (M, date(2026, 11, 15), date(2026, 11, 1), date(2026, 11, 30), "2026-11"),
        (M, date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
        (M, date(2027, 1, 1), date(2027, 1, 1), date(2027, 1, 31), "2027-01"),
        (M, date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        (M, date(2026, 2, 28), date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        (M, date(2100, 2, 1), date(2100, 2, 1), date(2100, 2, 28), "2100-02"),
        (M, date(2000, 2, 29), date(2000, 2, 1), date(2000, 2, 29), "2000-02"),
        (Q, date(2026, 10, 1), date(2026, 10, 1), date(2026, 12, 31), "2026 Q4"),
        (Q, date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31), "2026 Q4"),
        (Q, date(2026, 9, 30), date(2026, 7, 1), date(2026, 9, 30), "2026 Q3"),
        (Q, date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31), "2026 Q1"),
        (Q, date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30), "2026 Q2"),
        (H, date(2026, 6, 30), date(2026, 1, 1), date(2026, 6, 30), "2026 H1"),
        (H, date(2026, 7, 1), date(2026, 7, 1), date(2026, 12, 31), "2026 H2"),
        (Y, date(2026, 12, 31), date(2026, 1, 1), date(2026, 12, 31), "2026"),
        (Y, date(2024, 2, 29), date(2024, 1, 1), date(2024, 12, 31), "2024"),
    ],
    ids=[
        "month-mid",
        "month-dec-31",
        "month-jan-1",
        "month-leap-february",
        "month-common-february",
        "month-century-not-leap",
        "month-400-year-leap",
        "quarter-first-day",
        "quarter-last-day",
        "quarter-q3-last-day",
        "quarter-q1-last-day",
        "quarter-q2-first-day",
        "half-h1-last-day",
        "half-h2-first-day",
        "year-last-day",
        "year-leap-day",
    ],
)
def test_period_containing(kind: CycleKind, day: date, start: date, end: date, label: str) -> None:
    period = period_containing(kind, day)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.contains(day)


@pytest.mark.parametrize(
    ("kind", "day", "days"),
    [
        (Q, date(2024, 1, 5), 91),
        (Q, date(2026, 1, 5), 90),
        (Y, date(2024, 5, 1), 366),
        (H, date(2026, 8, 1), 184),
    ],
    ids=["leap-q1", "common-q1", "leap-year", "h2"],
)
def test_period_length_in_days(kind: CycleKind, day: date, days: int) -> None:
    assert period_containing(kind, day).days == days


@pytest.mark.parametrize(
    ("label", "after", "before"),
    [
        ("2026 Q4", "2027 Q1", "2026 Q3"),
        ("2026 Q1", "2026 Q2", "2025 Q4"),
        ("2026-12", "2027-01", "2026-11"),
        ("2026-01", "2026-02", "2025-12"),
        ("2024-02", "2024-03", "2024-01"),
        ("2026 H2", "2027 H1", "2026 H1"),
        ("2026", "2027", "2025"),
    ],
    ids=["q4-wraps", "q1-wraps-back", "dec-wraps", "jan-wraps-back", "leap-feb", "h2", "year"],
)
def test_next_and_previous_periods(label: str, after: str, before: str) -> None:
    period = period_from_label(label)
    assert next_period(period).label == after
    assert previous_period(period).label == before
    assert previous_period(next_period(period)) == period


@pytest.mark.parametrize(
    ("label", "kind"),
    [("2026-11", M), ("2026 Q4", Q), ("2026 H2", H), ("2026", Y), (" 2026 Q1 ", Q)],
    ids=["month", "quarter", "half", "year", "spaces"],
)
def test_period_label_round_trips(label: str, kind: CycleKind) -> None:
    period = period_from_label(label)
    assert period.kind is kind
    assert period.label == label.strip()


@pytest.mark.parametrize(
    "label",
    ["2026 Q5", "2026-13", "2026-00", "2026 H3", "Q4 2026", "26 Q4", "", "0000"],
    ids=["q5", "month-13", "month-0", "h3", "reversed", "short-year", "empty", "year-zero"],
)
def test_bad_period_label_refused(label: str) -> None:
    with pytest.raises(InvalidPeriod) as exc:
        period_from_label(label)
    assert exc.value.code == "period.label_invalid"


def test_misaligned_period_refused() -> None:
    with pytest.raises(InvalidPeriod) as exc:
        Period(Q, date(2026, 2, 1), date(2026, 4, 30))
    assert exc.value.code == "period.misaligned"


def test_period_at_calendar_end_refused() -> None:
    with pytest.raises(InvalidPeriod) as exc:
        period_containing(Q, date(9999, 12, 1))
    assert exc.value.code == "period.out_of_range"


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 11, 23), date(2026, 11, 23)),
        (date(2026, 11, 29), date(2026, 11, 23)),
        (date(2027, 1, 1), date(2026, 12, 28)),
        (date(2024, 3, 1), date(2024, 2, 26)),
    ],
    ids=["monday", "sunday", "new-year-friday", "across-leap-day"],
)
def test_week_start_is_monday(day: date, monday: date) -> None:
    assert week_start(day) == monday


def test_weeks_of_quarter_are_clipped_to_the_period() -> None:
    weeks = weeks_of(period_from_label("2026 Q4"))
    assert len(weeks) == 14
    assert (weeks[0].start, weeks[0].end, weeks[0].label) == (
        date(2026, 10, 1),
        date(2026, 10, 4),
        "2026-W40",
    )
    assert (weeks[-1].start, weeks[-1].end, weeks[-1].label) == (
        date(2026, 12, 28),
        date(2026, 12, 31),
        "2026-W53",
    )
    assert all(w.start.weekday() == 0 for w in weeks[1:])
    assert all((w.end - w.start).days <= 6 for w in weeks)


def test_weeks_of_month_cover_every_day_once() -> None:
    period = period_from_label("2024-02")
    weeks = weeks_of(period)
    assert sum((w.end - w.start).days + 1 for w in weeks) == period.days == 29
    assert [(w.start.day, w.end.day) for w in weeks] == [
        (1, 4),
        (5, 11),
        (12, 18),
        (19, 25),
        (26, 29),
    ]


def test_weeks_of_year_starting_on_thursday_uses_iso_week_of_previous_year() -> None:
    weeks = weeks_of(period_from_label("2027"))
    assert weeks[0].label == "2026-W53"
    assert (weeks[0].start, weeks[0].end) == (date(2027, 1, 1), date(2027, 1, 3))
    assert weeks[1].label == "2027-W01"


def test_weeks_of_month_starting_on_monday() -> None:
    weeks = weeks_of(period_from_label("2026-06"))
    assert weeks[0].start == date(2026, 6, 1)
    assert weeks[0].end == date(2026, 6, 7)
    assert weeks[-1].start == date(2026, 6, 29)
    assert weeks[-1].end == date(2026, 6, 30)
