"""Check-in periods of each cadence: weeks, 上中下旬 (seed 002's three reviews a month), months."""

from __future__ import annotations

from datetime import date

import pytest

from okr.domain.cadence import Cadence, checkin_period


@pytest.mark.parametrize(
    ("cadence", "day", "start", "end", "label"),
    [
        ("weekly", date(2026, 12, 2), date(2026, 11, 30), date(2026, 12, 6), "2026-W49"),
        ("weekly", date(2027, 1, 1), date(2026, 12, 28), date(2027, 1, 3), "2026-W53"),
        ("dekad", date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 10), "2026-12-D1"),
        ("dekad", date(2026, 12, 10), date(2026, 12, 1), date(2026, 12, 10), "2026-12-D1"),
        ("dekad", date(2026, 12, 11), date(2026, 12, 11), date(2026, 12, 20), "2026-12-D2"),
        ("dekad", date(2026, 12, 20), date(2026, 12, 11), date(2026, 12, 20), "2026-12-D2"),
        ("dekad", date(2026, 12, 21), date(2026, 12, 21), date(2026, 12, 31), "2026-12-D3"),
        ("dekad", date(2027, 2, 28), date(2027, 2, 21), date(2027, 2, 28), "2027-02-D3"),
        ("dekad", date(2028, 2, 29), date(2028, 2, 21), date(2028, 2, 29), "2028-02-D3"),
        ("monthly", date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
        ("monthly", date(2027, 2, 3), date(2027, 2, 1), date(2027, 2, 28), "2027-02"),
    ],
)
def test_the_period_holding_a_day(cadence, day, start, end, label):
    period = checkin_period(cadence, day)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.start <= day <= period.end


def test_dekads_tile_the_month_without_gap_or_overlap():
    day, seen = date(2026, 1, 1), []
    while day.year == 2026:
        period = checkin_period(Cadence.DEKAD, day)
        if not seen or seen[-1] != period:
            assert not seen or period.start.toordinal() == seen[-1].end.toordinal() + 1
            seen.append(period)
        day = date.fromordinal(day.toordinal() + 1)
    assert len(seen) == 36 and {p.label[-2:] for p in seen} == {"D1", "D2", "D3"}


def test_an_unknown_cadence_is_refused():
    with pytest.raises(ValueError):
        checkin_period("daily", date(2026, 12, 1))
