"""Generated OKRs: objectives cascading company -> department -> person, key results, check-ins.

Each person has 3 objectives of 3-4 key results in the running quarter (2 x 2 in the closed
previous one), aligned to their department's objectives, which align to the department above and
at the top to the company's. Key results mix every kind. Check-ins come weekly (about 10 in the
running quarter, three month-end ones in the previous quarter) and follow a trajectory set by the
person's performance, so confidences and notes read like real ones. Cached progress is computed
with the domain core (okr.domain.attainment, okr.domain.rollup), leaves first, as the app does.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from okr.bench import words
from okr.bench.bulk import Loader, Sink
from okr.bench.org import Dept, Org, Person
from okr.domain.attainment import attainment
from okr.domain.errors import DomainError
from okr.domain.krspec import Direction, KeyResultSpec, KRKind, ensure_valid_spec
from okr.domain.periods import Period, week_start, weeks_of
from okr.domain.rollup import ProgressRule, WeightedValue, parent_progress
from okr.domain.tiers import Tier
from okr.okrs.models import CheckIn, KeyResult, Objective, ObjectiveChange

CONFIDENCES = ("on_track", "at_risk", "off_track")
COUNT_UNITS = {
    "个",
    "次",
    "人",
    "篇",
    "条",
    "场",
    "家",
    "项",
    "处",
    "门",
    "单",
    "点",
    "份",
    "笔",
    "阅读",
}
SCALED_UNITS = {"万元", "家", "条", "人", "个", "次", "篇", "场", "单", "点", "份", "阅读"}
OBJECTIVE_WEIGHTS = {2: [(60, 40), (50, 50)], 3: [(40, 30, 30), (50, 30, 20), (40, 40, 20)]}
KR_WEIGHTS = {
    2: [(50, 50), (60, 40)],
    3: [(40, 30, 30), (50, 25, 25), (34, 33, 33)],
    4: [(25, 25, 25, 25), (40, 20, 20, 20), (30, 30, 20, 20)],
}
D = Decimal


@dataclass(eq=False, slots=True)
class Goal:
    """An objective being generated."""

    id: int
    level: str
    title: str
    owner: Person
    dept: Dept | None
    parent: Goal | None
    weight: int
    rule: str
    status: str
    position: int
    krs: list[Result] = field(default_factory=list)
    children: list[Goal] = field(default_factory=list)
    progress: Decimal | None = None
    confidence: str | None = None


@dataclass(eq=False, slots=True)
class Result:
    """A key result being generated, with its latest state once checked in."""

    id: int
    goal: Goal
    title: str
    spec: KeyResultSpec
    columns: dict[str, Any]
    places: int
    span: tuple[float, float]  # value range for tiers
    weight: int
    position: int
    current: Decimal | None = None
    confidence: str | None = None
    note: str = ""
    at: datetime | None = None
    progress: Decimal = Decimal(0)
    points: Decimal | None = None
    checkins: int = 0


@dataclass
class CycleRef:
    id: int
    period: Period
    cap: Decimal
    closed: bool


def _nice(value: float) -> Decimal:
    """A round number people would set as a baseline or target."""
    if value >= 10000:
        return D(round(value, -3))
    if value >= 1000:
        return D(round(value, -2))
    if value >= 100:
        return D(round(value, -1))
    if value >= 10:
        return D(round(value))
    return D(str(round(value, 1)))


def _places(unit: str, magnitude: Decimal) -> int:
    if unit in COUNT_UNITS or magnitude >= 100:
        return 0
    return 1 if magnitude >= 10 else 2


def kr_spec(
    template: words.KR, rng: random.Random, scale: float = 1.0
) -> tuple[dict[str, Any], int, tuple[float, float]]:
    """Columns of a key result drawn from a template (see okr.bench.words), and its value precision."""
    title, unit, kind, rule = template
    grow = scale if unit in SCALED_UNITS else 1.0
    columns: dict[str, Any] = dict.fromkeys(
        ("start", "target", "step", "points_per_step", "direction", "max_points"), None
    )
    columns.update(title=title, unit=unit, kind=kind, tiers=[])
    span = (0.0, 0.0)
    if kind in ("increase", "decrease"):
        (low, high), (f_low, f_high) = rule
        start = _nice(rng.uniform(low, high) * grow)
        target = _nice(float(start) * rng.uniform(f_low, f_high))
        if target == start:
            target = start + (1 if kind == "increase" else -1) * max(D(1), start / 10)
        columns.update(start=start, target=target)
        magnitude = max(start, target)
    elif kind in ("ratio", "at_least", "at_most"):
        low, high = rule
        target = _nice(rng.uniform(low, high) * (grow if kind == "ratio" else 1.0))
        if kind != "at_most" and target <= 0:
            target = D(1)
        columns.update(target=target)
        magnitude = target
    elif kind == "per_unit":
        low, high, step, per_step, most, direction = rule
        columns.update(
            start=_nice(rng.uniform(low, high)) if high else D(0),
            step=D(step),
            points_per_step=D(per_step),
            max_points=D(most),
            direction=direction,
        )
        magnitude = columns["start"] + D(step) * D(most) / D(per_step)
    elif kind == "tiers":
        name, low, high = rule
        columns["tiers"] = words.TIERS[name]
        span = (float(low), float(high))
        magnitude = D(high)
    else:
        magnitude = D(1)
    return columns, _places(unit, magnitude), span


def domain_spec(columns: dict[str, Any]) -> KeyResultSpec:
    """The scoring rule of generated columns, as okr.okrs.rules.spec_of reads a stored one."""
    return KeyResultSpec(
        KRKind(columns["kind"]),
        start=columns["start"],
        target=columns["target"],
        step=columns["step"],
        points_per_step=columns["points_per_step"],
        direction=Direction(columns["direction"]) if columns["direction"] else None,
        max_points=columns["max_points"],
        tiers=tuple(
            Tier.of(
                t["lower"],
                t["upper"],
                t["points"],
                lower_inclusive=t["lower_inclusive"],
                upper_inclusive=t["upper_inclusive"],
            )
            for t in columns["tiers"]
        ),
    )


def _value(kr: Result, share: float, quality: float) -> str:
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
    return f"{max(0.0, x):.{kr.places}f}"


def _confidence(kind: str, share: float, pace: float, quality: float) -> str:
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


class OKRWriter:
    """Generates one cycle's objectives and key results, streaming check-ins into their sink."""

    def __init__(self, loader: Loader, seed: int, zone: ZoneInfo) -> None:
        self.loader, self.seed, self.zone = loader, seed, zone
        self.goals: list[Goal] = []
        self.checkins: Sink = loader.sink(CheckIn.__table__, CHECKIN_COLUMNS)

    def _goal(self, **kw: Any) -> Goal:
        goal = Goal(self.loader.next_id(Objective.__table__), **kw)
        if goal.parent is not None:
            goal.parent.children.append(goal)
        self.goals.append(goal)
        return goal

    def _results(
        self, goal: Goal, templates: list[words.KR], rng: random.Random, scale: float = 1.0
    ) -> None:
        weights = rng.choice(KR_WEIGHTS[len(templates)])
        for position, (template, weight) in enumerate(zip(templates, weights, strict=True)):
            columns, places, span = kr_spec(template, rng, scale)
            spec = domain_spec(columns)
            ensure_valid_spec(spec)  # a template that the app would refuse is a bug here
            kr = Result(
                self.loader.next_id(KeyResult.__table__),
                goal,
                columns["title"],
                spec,
                columns,
                places,
                span,
                weight,
                position,
            )
            goal.krs.append(kr)

    def plan(self, org: Org, cycle: CycleRef, previous: bool) -> None:
        """Objectives and key results of every person and department for one cycle."""
        tag = f"{self.seed}:{cycle.period.label}"
        catalog = words.PREVIOUS_COMPANY_OBJECTIVES if previous else words.COMPANY_OBJECTIVES
        ceo = org.root.head
        assert ceo is not None
        company = [
            self._goal(level="company", title=title, owner=ceo, dept=None, parent=None, weight=weight,
                       rule="children", status="approved", position=i)
            for i, (title, weight) in enumerate(catalog)
        ]  # fmt: skip
        positions: dict[int, int] = {}
        dept_goals: dict[Dept, list[Goal]] = {org.root: company}
        for dept in org.departments:
            if dept.parent is None:
                continue
            rng = random.Random(f"{tag}:dept:{dept.key}")
            above = dept_goals[dept.parent]
            turn = dept.parent.children.index(dept)  # siblings spread over the objectives above
            titles = dept.kind["department_objectives"]
            count = 1 if previous else min(len(titles), 2 + (rng.random() < 0.5))
            weights = (100,) if count == 1 else rng.choice(OBJECTIVE_WEIGHTS[count])
            assert dept.head is not None
            goals = []
            for i in range(count):
                rule = "children" if previous or rng.random() < 0.55 else "both"
                goal = self._goal(level="department", title=titles[i], owner=dept.head, dept=dept,
                                  parent=above[(i + turn) % len(above)], weight=weights[i], rule=rule,
                                  status="approved", position=positions.get(dept.head.id, 0))  # fmt: skip
                positions[dept.head.id] = goal.position + 1
                if rule == "both":
                    pool = [kr for _t, krs in dept.kind["objectives"] for kr in krs]
                    self._results(goal, rng.sample(pool, 2), rng, scale=max(1, len(dept.members)))
                goals.append(goal)
            dept_goals[dept] = goals
        for person in org.people:
            rng = random.Random(f"{tag}:person:{person.key}")
            turn = person.dept.members.index(person)
            own = dept_goals[person.dept] or company
            catalog_ = person.dept.kind["objectives"]
            if previous:
                chosen = [rng.choice(catalog_), rng.choice(words.COMMON_OBJECTIVES)]
                sizes = [2, 2]
            else:
                chosen = [*rng.sample(catalog_, 2), rng.choice(words.COMMON_OBJECTIVES)]
                sizes = [3 + (rng.random() < 0.5) for _ in chosen]
            weights = rng.choice(OBJECTIVE_WEIGHTS[len(chosen)])
            roll = rng.random()
            status = (
                "approved" if previous or roll < 0.95 else "submitted" if roll < 0.98 else "draft"
            )
            for i, ((title, krs), size) in enumerate(zip(chosen, sizes, strict=True)):
                last = i == len(chosen) - 1  # growth and quality align to 打造高效组织与人才梯队
                parent = company[2] if last else own[(i + turn) % len(own)]
                goal = self._goal(level="individual", title=title, owner=person, dept=person.dept,
                                  parent=parent, weight=weights[i], rule="own_krs", status=status,
                                  position=positions.get(person.id, 0))  # fmt: skip
                positions[person.id] = goal.position + 1
                self._results(goal, rng.sample(krs, min(size, len(krs))), rng)
        for goal in self.goals:  # nothing aligned to it: it is measured by its own key results
            if goal.rule == "children" and not goal.children:
                rng = random.Random(f"{tag}:alone:{goal.id}")
                pool = [kr for _t, krs in (goal.dept or org.root).kind["objectives"] for kr in krs]
                goal.rule = "both"
                self._results(goal, rng.sample(pool, 2), rng)

    def check_in(self, plan: CheckInPlan, org: Org) -> None:
        """Every owner's check-ins on their key results; keeps each key result's latest state."""
        by_owner: dict[Person, list[Result]] = {}
        for goal in self.goals:
            for kr in goal.krs:
                by_owner.setdefault(goal.owner, []).append(kr)
        period = plan.cycle.period
        length = period.days
        tag = f"{self.seed}:{period.label}:checkins"
        sink = self.checkins
        copying = sink.copying
        weeks_text: dict[date, str] = {}
        for owner, krs in by_owner.items():
            rng = random.Random(f"{tag}:{owner.key}")
            days = plan.days(rng, skips_this_week=rng.random() < 0.3)
            if not days:
                continue
            ids = iter(self.loader.ids(CheckIn.__table__, len(days) * len(krs)))
            moments = [plan.moment(day, rng) for day in days]
            weeks = [week_start(m.astimezone(self.zone).date()) for m in moments]
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
                    value = _value(kr, shown, q)
                    confidence = _confidence(kind, shown, fraction, q)
                    note = rng.choice(words.NOTES[confidence])
                    stamp = stamps.get((index, kr.position))
                    if stamp is None:
                        at = moment + timedelta(minutes=kr.position)  # one key result after another
                        stamp = stamps[(index, kr.position)] = (at, at.isoformat())
                    if copying:  # notes are plain text: nothing to escape
                        sink.add_line(
                            f"{next(ids)}\t{kr.id}\t{value}\t{confidence}\t{note}\t{owner.id}"
                            f"\t{stamp[1]}\t{weeks_text[week]}"
                        )
                    else:
                        sink.add(
                            next(ids), kr.id, value, confidence, note, owner.id, stamp[0], week
                        )
                    if index == last:
                        kr.current, kr.confidence, kr.note, kr.at = (
                            D(value),
                            confidence,
                            note,
                            stamp[0],
                        )
                kr.checkins = len(schedule)

    def score(self, cap: Decimal, stored: Callable[[Decimal | None], Decimal | None]) -> None:
        """Cached progress by the domain rules: key results, then objectives from the leaves up.

        Each figure is taken as stored (`stored`) before the next level uses it, as the app
        reads its children's cached progress from the rows.
        """
        for goal in self.goals:
            for kr in goal.krs:
                try:
                    result = attainment(kr.spec, kr.current, cap)
                except DomainError:
                    kr.progress, kr.points = D(0), None
                else:
                    kr.progress, kr.points = stored(result.progress), stored(result.points)  # type: ignore[assignment]
        depth = {"individual": 9, "company": 0}
        ordered = sorted(
            self.goals, key=lambda g: -depth.get(g.level, g.dept.level if g.dept else 1)
        )
        for goal in ordered:
            own = [WeightedValue.of(kr.title, kr.progress, kr.weight) for kr in goal.krs]
            children = [(child.title, child.progress) for child in goal.children]
            try:
                progress = parent_progress(ProgressRule(goal.rule), own, children).progress
                goal.progress = stored(progress)
            except DomainError:
                goal.progress = None
            known = [kr.confidence for kr in goal.krs if kr.confidence]
            goal.confidence = max(known, key=CONFIDENCES.index) if known else None

    def write(self, cycle: CycleRef, approver_of: dict[Person, Person], planned: datetime) -> int:
        """Rows of the cycle's objectives, key results and approval trail into their sinks."""
        objectives = self.loader.sink(Objective.__table__, OBJECTIVE_COLUMNS)
        results = self.loader.sink(KeyResult.__table__, KR_COLUMNS)
        changes = self.loader.sink(ObjectiveChange.__table__, CHANGE_COLUMNS)
        change_ids = iter(self.loader.ids(ObjectiveChange.__table__, 2 * len(self.goals)))
        for goal in self.goals:
            submitted = planned + timedelta(hours=goal.owner.id % 48)
            decided = submitted + timedelta(hours=20 + goal.id % 30)
            if goal.status != "draft" and goal.level != "company":
                changes.add(next(change_ids), goal.id, goal.owner.id, submitted, "submitted", {})
            if goal.status == "approved" and goal.level != "company":
                approver = approver_of.get(goal.owner)
                changes.add(
                    next(change_ids), goal.id, approver.id, decided, "approved", {"comment": ""}
                )  # type: ignore[union-attr]
            objectives.add(
                goal.id, cycle.id, goal.level, goal.title, "", goal.owner.id,
                goal.dept.id if goal.dept and goal.level != "company" else None,
                goal.parent.id if goal.parent else None, D(goal.weight), goal.rule, goal.status,
                "", goal.position, goal.progress, goal.confidence, planned,
                decided if goal.status == "approved" else submitted, 1,
            )  # fmt: skip
            for kr in goal.krs:
                c = kr.columns
                results.add(
                    kr.id, goal.id, kr.title, c["unit"], c["kind"], D(kr.weight), c["start"],
                    c["target"], c["step"], c["points_per_step"], c["direction"], c["max_points"],
                    c["tiers"], kr.position, kr.current, kr.confidence, kr.note, kr.at,
                    kr.progress, kr.points, 1 + kr.checkins,
                )  # fmt: skip
        objectives.close()
        results.close()
        self.checkins.close()
        changes.close()
        return sum(len(g.krs) for g in self.goals)


OBJECTIVE_COLUMNS = [
    "id", "cycle_id", "level", "title", "description", "owner_id", "department_id", "parent_id",
    "weight", "progress_rule", "status", "review_comment", "position", "progress", "confidence",
    "created_at", "updated_at", "version",
]  # fmt: skip
KR_COLUMNS = [
    "id", "objective_id", "title", "unit", "kind", "weight", "start", "target", "step",
    "points_per_step", "direction", "max_points", "tiers", "position", "current", "confidence",
    "last_note", "last_checkin_at", "progress", "points", "version",
]  # fmt: skip
CHANGE_COLUMNS = ["id", "objective_id", "actor_id", "at", "action", "details"]
CHECKIN_COLUMNS = [
    "id", "key_result_id", "value", "confidence", "note", "author_id", "created_at", "week",
]  # fmt: skip


def individual_goals(writer: OKRWriter) -> dict[Person, list[Goal]]:
    """Each person's own objectives of the cycle, in position order."""
    found: dict[Person, list[Goal]] = {}
    for goal in writer.goals:
        if goal.level == "individual":
            found.setdefault(goal.owner, []).append(goal)
    return found
