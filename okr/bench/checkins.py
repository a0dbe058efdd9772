"""Check-ins: when people check in during a cycle and what they report.

Weekly in the running quarter (about 10 a key result; about a third of people have not checked in
yet this week), at three month-ends in a closed quarter. Values follow a trajectory set by the
owner's lasting performance level, confidences follow the pace, notes follow the confidence.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from okr.bench import words
from okr.bench.bulk import Loader, Sink
from okr.domain.periods import week_start, weeks_of
from okr.objectives.models import CheckIn

if TYPE_CHECKING:
    from okr.bench.okrs import CycleRef, Goal, Result
    from okr.bench.org import Person

CONFIDENCES = ("on_track", "at_risk", "off_track")
COLUMNS = [
    "id", "key_result_id", "value", "confidence", "note", "author_id", "created_at", "week",
    "reason",  # corrections only: empty for a check-in of its own
]  # fmt: skip
D = Decimal


def value_of(kr: Result, share: float, quality: float) -> str:
    """The metric after `share` of the way (hold kinds: at `quality`), as typed in a check-in."""
    c = kr.columns
    kind = c["kind"]
    if kind == "milestone":
        return "1" if share >= 0.65 else "0"
    if kind in ("increase", "decrease"):
        x = float(c["start"]) + (float(c["target"]) - float(c["start"])) * share
    elif kind == "ratio":
        x = float(c["target"]) * share
    elif kind == "at_least":
        x = float(c["target"]) * (0.8 + 0.3 * quality)
    elif kind == "at_most":
        x = float(c["target"]) * (1.5 - 0.6 * quality)
    elif kind == "per_unit":
        reach = float(c["step"]) * float(c["max_points"]) / float(c["points_per_step"])
        sign = 1 if c["direction"] == "up" else -1
        x = float(c["start"]) + sign * reach * share
    else:
        low, high = kr.span
        x = low + (high - low) * min(share, 1.1)
    if c["unit"] == "%" or (c["unit"] == "分" and kind != "per_unit"):
        x = min(x, 100.0 if (c["target"] or 100) > 10 else 5.0)  # scores and shares have a top
    return f"{max(0.0, x):.{kr.places}f}"


def confidence_of(kind: str, share: float, pace: float, quality: float) -> str:
    ratio = quality / 0.7 if kind in ("at_least", "at_most") else share / max(pace, 0.05)
    return CONFIDENCES[0] if ratio >= 0.9 else CONFIDENCES[1] if ratio >= 0.7 else CONFIDENCES[2]


class CheckInPlan:
    """When people check in during a cycle: weekly slots, or three month-end ones when closed."""

    def __init__(self, cycle: CycleRef, today: date, zone: ZoneInfo) -> None:
        self.cycle, self.today, self.zone = cycle, today, zone
        period = cycle.period
        self.last_day = period.end if cycle.closed else min(period.end, today - timedelta(days=1))
        self.weeks = [w for w in weeks_of(period) if w.start <= self.last_day]

    def days(self, rng: random.Random, skips_this_week: bool) -> list[date]:
        """One person's check-in days (all their key results on the same days)."""
        period = self.cycle.period
        if self.cycle.closed:
            ends = []
            for month in range(3):
                first = date(period.start.year, period.start.month + month, 1)
                nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
                ends.append(nxt - timedelta(days=1 + rng.randrange(3)))
            return ends
        weekday = rng.choice((3, 4, 4, 2))  # Wednesday to Friday
        days = []
        for week in self.weeks:
            day = min(week_start(week.start) + timedelta(days=weekday), week.end, self.last_day)
            if day >= week.start and (day not in days):
                days.append(day)
        if days and skips_this_week and week_start(days[-1]) == week_start(self.today):
            days.pop()  # has not checked in yet this week
        if len(days) >= 10:
            return days[-10:]
        elapsed = (self.last_day - period.start).days + 1
        if elapsed <= len(days) or elapsed < 10:
            return days
        return sorted(
            {period.start + timedelta(days=round(i * (elapsed - 1) / 9)) for i in range(10)}
        )

    def moment(self, day: date, rng: random.Random) -> datetime:
        local = datetime.combine(day, time(9 + rng.randrange(10), rng.randrange(60)), self.zone)
        return local.astimezone(UTC)


def write_checkins(
    goals: list[Goal], plan: CheckInPlan, loader: Loader, sink: Sink, seed: int, zone: ZoneInfo
) -> None:
    """Every owner's check-ins on their key results; keeps each key result's latest state."""
    by_owner: dict[Person, list[Result]] = {}
    for goal in goals:
        for kr in goal.krs:
            by_owner.setdefault(goal.owner, []).append(kr)
    period = plan.cycle.period
    length = period.days
    tag = f"{seed}:{period.label}:checkins"
    sink = sink
    copying = sink.copying
    weeks_text: dict[date, str] = {}
    for owner, krs in by_owner.items():
        rng = random.Random(f"{tag}:{owner.key}")
        days = plan.days(rng, skips_this_week=rng.random() < 0.3)
        if not days:
            continue
        ids = iter(loader.ids(CheckIn.__table__, len(days) * len(krs)))
        moments = [plan.moment(day, rng) for day in days]
        weeks = [week_start(m.astimezone(zone).date()) for m in moments]
        for week in weeks:
            if week not in weeks_text:
                weeks_text[week] = week.isoformat()
        fractions = [((day - period.start).days + 1) / length for day in days]
        schedule = list(zip(moments, weeks, fractions, strict=True))
        last = len(schedule) - 1
        stamps: dict[tuple[int, int], tuple[datetime, str]] = {}
        performance = 0.95 + 0.12 * owner.trait
        for kr in krs:
            final = min(1.25, max(0.05, rng.gauss(performance, 0.22))) * fractions[-1]
            quality = min(1.3, max(0.0, rng.gauss(0.75 + 0.1 * owner.trait, 0.2)))
            kind = kr.columns["kind"]
            share = 0.0
            for index, (moment, week, fraction) in enumerate(schedule):
                share = max(share, final * fraction / fractions[-1] + rng.uniform(-0.03, 0.03))
                shown = min(max(share, 0.0), 1.3)
                q = min(1.3, max(0.0, quality + rng.uniform(-0.04, 0.04)))
                value = value_of(kr, shown, q)
                confidence = confidence_of(kind, shown, fraction, q)
                note = rng.choice(words.NOTES[confidence])
                stamp = stamps.get((index, kr.position))
                if stamp is None:
                    at = moment + timedelta(minutes=kr.position)  # one key result after another
                    stamp = stamps[(index, kr.position)] = (at, at.isoformat())
                if copying:  # notes are plain text: nothing to escape
                    sink.add_line(
                        f"{next(ids)}\t{kr.id}\t{value}\t{confidence}\t{note}\t{owner.id}"
                        f"\t{stamp[1]}\t{weeks_text[week]}\t"
                    )
                else:
                    sink.add(
                        next(ids), kr.id, value, confidence, note, owner.id, stamp[0], week, ""
                    )
                if index == last:
                    kr.current, kr.confidence, kr.note, kr.at = (
                        D(value),
                        confidence,
                        note,
                        stamp[0],
                    )
            kr.checkins = len(schedule)
