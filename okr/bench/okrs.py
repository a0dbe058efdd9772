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
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from okr.bench import words
from okr.bench.bulk import Loader, Sink
from okr.bench.checkins import COLUMNS as checkin_columns
from okr.bench.checkins import CONFIDENCES, CheckInPlan, write_checkins
from okr.bench.keyresults import domain_spec, kr_spec
from okr.bench.org import Dept, Org, Person
from okr.domain.attainment import attainment
from okr.domain.errors import DomainError
from okr.domain.krspec import KeyResultSpec, ensure_valid_spec
from okr.domain.periods import Period
from okr.domain.rollup import ProgressRule, WeightedValue, parent_progress
from okr.objectives.models import CheckIn, KeyResult, Objective, ObjectiveChange

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


class OKRWriter:
    """Generates one cycle's objectives and key results, streaming check-ins into their sink."""

    def __init__(self, loader: Loader, seed: int, zone: ZoneInfo) -> None:
        self.loader, self.seed, self.zone = loader, seed, zone
        self.goals: list[Goal] = []
        self.checkins: Sink = loader.sink(CheckIn.__table__, checkin_columns)

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

    def check_in(self, plan: CheckInPlan) -> None:
        """Every owner's check-ins on their key results; keeps each key result's latest state."""
        write_checkins(self.goals, plan, self.loader, self.checkins, self.seed, self.zone)

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
                    c["tiers"], c["hold_scoring"], c["hold_strict"], kr.position, kr.current,
                    kr.confidence, kr.note, kr.at, kr.progress, kr.points, 1 + kr.checkins,
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
    "points_per_step", "direction", "max_points", "tiers", "hold_scoring", "hold_strict",
    "position", "current", "confidence", "last_note", "last_checkin_at", "progress", "points",
    "version",
]  # fmt: skip
CHANGE_COLUMNS = ["id", "objective_id", "actor_id", "at", "action", "details"]


def individual_goals(writer: OKRWriter) -> dict[Person, list[Goal]]:
    """Each person's own objectives of the cycle, in position order."""
    found: dict[Person, list[Goal]] = {}
    for goal in writer.goals:
        if goal.level == "individual":
            found.setdefault(goal.owner, []).append(goal)
    return found
