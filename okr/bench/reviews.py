"""Generated reviews: finished, calibrated, released and mostly acknowledged, with plans.

The closed previous quarter has a full OKR review (okr-default: key results 60 %, two peers
20 %, the one-on-one 20 %, adjustments); the two quarters before it were assessed on the manager's
考核表 (marketing-specialist), so people have three results in a row and the flags page has
history to read. Ratings follow each person's lasting performance level. Every breakdown is the
app's own computation (okr.reviews.scoring.compute) frozen as finalize stores it; ranks use the
domain ranking; improvement plans are drafted for the template's plan grades as draft_plan does.
"""

from __future__ import annotations

import random
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from okr.bench import words
from okr.bench.bulk import Loader
from okr.bench.okrs import CycleRef, Goal
from okr.bench.org import Org, Person
from okr.bench.scoring import Inputs, Scored, Scorer
from okr.domain.calibration import rank
from okr.domain.composite import GRADE_PLACES
from okr.domain.numbers import quantity, round_display
from okr.domain.periods import next_period
from okr.domain.template import Part
from okr.explain import PART_WORDS
from okr.labels import hold_edge, pct
from okr.objectives.adjustments import checked_points
from okr.objectives.models import Adjustment
from okr.plans.weakest import NUMERIC_TARGET_KINDS, WEAKEST_KRS
from okr.reviews.models import (
    Appraisal,
    CalibrationChange,
    ImprovementItem,
    ImprovementPlan,
    PeerForm,
    Review,
    review_department,
)
from okr.schemes.format import TemplateSpec

APPRAISAL_COLUMNS = [
    "id", "review_id", "person_id", "manager_id", "department_id", "status", "self_ratings",
    "self_reflection", "self_submitted_at", "interview_ratings", "interview_notes", "interview_at",
    "disagreement", "composite", "grade", "final_grade", "rank", "result", "finalized_at",
    "released_at", "acknowledged_at", "acknowledgement", "acknowledgement_note", "version",
]  # fmt: skip


@dataclass
class ReviewRef:
    id: int
    cycle: CycleRef
    name: str


@dataclass
class Pending:
    """A review whose breakdowns are being computed."""

    review: ReviewRef
    spec: TemplateSpec
    closed: bool  # its plans are done with (an earlier quarter)
    tag: str
    rows: dict[int, dict[str, Any]]
    futures: list[Future[list[Scored]]]


BATCH = 500  # appraisals per scoring task


def _ratings(spec: TemplateSpec, part: Part, level: float, rng: random.Random) -> dict[str, str]:
    """Ratings on each criterion's scale around a level (0..1), in whole points."""
    ratings = {}
    for criterion in spec.domain.criteria.get(part, ()):
        low, high = float(criterion.scale.min), float(criterion.scale.max)
        shown = min(1.0, max(0.0, level + rng.gauss(0, 0.08)))
        ratings[criterion.key] = str(round(low + (high - low) * shown))
    return ratings


def _figure(value: Decimal | None, unit: str) -> str:
    return quantity(value, unit, empty="—")  # as the app's plan drafting writes it


class ReviewWriter:
    def __init__(
        self, loader: Loader, seed: int, zone: ZoneInfo, hr: Person, now: datetime
    ) -> None:
        self.loader, self.seed, self.zone, self.hr, self.now = loader, seed, zone, hr, now
        self.appraisals = loader.sink(Appraisal.__table__, APPRAISAL_COLUMNS)
        self.forms = loader.sink(
            PeerForm.__table__,
            ["id", "appraisal_id", "rater_id", "ratings", "comment", "submitted_at", "assigned_by_id", "version"],
        )  # fmt: skip
        self.changes = loader.sink(
            CalibrationChange.__table__,
            ["id", "appraisal_id", "from_grade", "to_grade", "reason", "actor_id", "at"],
        )
        self.plans = loader.sink(
            ImprovementPlan.__table__,
            ["id", "appraisal_id", "person_id", "status", "outcome", "agreed_at", "closed_at", "version"],
        )  # fmt: skip
        self.items = loader.sink(
            ImprovementItem.__table__,
            ["id", "plan_id", "section", "title", "current", "target", "owner_id", "due", "status", "follow_ups"],
        )  # fmt: skip
        self.adjustments = loader.sink(
            Adjustment.__table__,
            ["id", "cycle_id", "person_id", "kind", "count", "points", "reason", "author_id",
             "created_at"],
        )  # fmt: skip
        self.reviews = loader.sink(
            Review.__table__,
            ["id", "name", "cycle_id", "template_id", "self_deadline", "peer_deadline",
             "interview_deadline", "status", "created_by_id", "created_at"],
        )  # fmt: skip
        self.scopes = loader.sink(review_department, ["review_id", "department_id"])

    def _at(self, day: date, rng: random.Random) -> datetime:
        local = datetime.combine(day, time(9 + rng.randrange(9), rng.randrange(60)), self.zone)
        return local.astimezone(UTC)

    def prepare(
        self,
        org: Org,
        cycle: CycleRef,
        template_id: int,
        spec: TemplateSpec,
        family: str,
        goals: dict[Person, list[Goal]] | None,
        scorer: Scorer,
    ) -> Pending:
        """One review of everyone in the cycle: its inputs, sent to `scorer` to be computed."""
        end = cycle.period.end
        review = ReviewRef(
            self.loader.next_id(Review.__table__), cycle, f"{cycle.period.label} 季度考核"
        )
        self.reviews.add(
            review.id, review.name, cycle.id, template_id, end + timedelta(days=5),
            end + timedelta(days=8), end + timedelta(days=12), "released", self.hr.id,
            self._at(end + timedelta(days=1), random.Random(review.id)),
        )  # fmt: skip
        self.scopes.add(review.id, org.root.id)
        tag = f"{self.seed}:{cycle.period.label}:review"
        ids = iter(self.loader.ids(Appraisal.__table__, len(org.people)))
        pending = Pending(review, spec, goals is None, tag, {}, [])
        batch: list[Inputs] = []
        for person in org.people:
            row, inputs = self._appraisal(next(ids), review, person, spec, goals, tag)
            pending.rows[row["id"]] = row
            batch.append(inputs)
            if len(batch) == BATCH:
                pending.futures.append(scorer.submit(family, batch))
                batch = []
        if batch:
            pending.futures.append(scorer.submit(family, batch))
        return pending

    def complete(self, pending: Pending) -> int:
        """Finalize with the computed breakdowns, calibrate, rank, release, draft plans."""
        rows = pending.rows
        for future in pending.futures:
            for appraisal_id, data, composite, grade, weak in future.result():
                row = rows[appraisal_id]
                row.update(result=data, composite=composite, grade=grade, final_grade=grade)
                row["_plan"] = (*row["_plan"], weak)
        ordered = list(rows.values())
        self._calibrate(ordered, pending.spec, pending.tag)
        self._rank(ordered)
        for row in ordered:
            self._plan(row, pending.review, pending.spec, closed=pending.closed)
            self.appraisals.add(*(row[c] for c in APPRAISAL_COLUMNS))
        return len(ordered)

    def _appraisal(
        self,
        appraisal_id: int,
        review: ReviewRef,
        person: Person,
        spec: TemplateSpec,
        goals: dict[Person, list[Goal]] | None,
        tag: str,
    ) -> tuple[dict[str, Any], Inputs]:
        rng = random.Random(f"{tag}:{person.key}")
        end, full = review.cycle.period.end, goals is not None
        base, spread = (0.7, 0.12) if full else (0.82, 0.07)  # 考核表 points run high
        level = min(1.0, max(0.0, base + spread * person.trait + rng.gauss(0, 0.05)))
        manager = person.manager or self.hr
        row: dict[str, Any] = {
            "id": appraisal_id,
            "review_id": review.id,
            "person_id": person.id,
            "manager_id": person.manager.id if person.manager else None,
            "department_id": person.dept.id,
            "self_ratings": _ratings(spec, Part.SELF, level + 0.05, rng),
            "self_reflection": rng.choice(words.REFLECTIONS),
            "self_submitted_at": self._at(end + timedelta(days=2 + rng.randrange(3)), rng),
            "interview_ratings": _ratings(spec, Part.INTERVIEW, level, rng),
            "interview_at": self._at(end + timedelta(days=6 + rng.randrange(6)), rng),
            "version": 1,
        }
        if full:
            notes = words.INTERVIEW_NOTES
            row["interview_notes"] = {
                "purpose": notes["purpose"],
                "self_assessment": rng.choice(notes["self_assessment"]),
                "result": notes["result"],
                "disagreement": rng.choice(notes["disagreement"]),
                "plan": rng.choice(notes["plan"]),
            }
        else:
            row["interview_notes"] = dict(words.HISTORY_NOTES)
        row["disagreement"] = row["interview_notes"]["disagreement"]
        forms = self._peer_forms(appraisal_id, person, manager, spec, level, end, rng)
        adjustments = self._adjustments(review, person, manager, spec, rng) if full else []
        own_goals = (goals or {}).get(person, [])
        finalized = datetime.combine(end + timedelta(days=13), time(10), self.zone).astimezone(UTC)
        row.update(
            finalized_at=finalized,
            released_at=finalized + timedelta(days=1),
            status="calibrated",
            rank=None,
            acknowledged_at=None,
            acknowledgement=None,
            acknowledgement_note="",
        )
        roll = rng.random()
        if roll < 0.9:
            row.update(acknowledgement="agree", status="acknowledged")
        elif roll < 0.93:
            row.update(
                acknowledgement="disagree",
                acknowledgement_note=rng.choice(words.DISAGREEMENTS),
                status="acknowledged",
            )
        if row["acknowledgement"]:
            row["acknowledged_at"] = row["released_at"] + timedelta(days=1 + rng.randrange(5))
        row["_plan"] = (own_goals, manager, rng)
        inputs: Inputs = (
            appraisal_id,
            review.id,
            person.id,
            row["interview_ratings"],
            row["self_ratings"],
            [(g.title, g.progress, Decimal(g.weight)) for g in own_goals],
            forms,
            adjustments,
        )
        return row, inputs

    def _peer_forms(
        self,
        appraisal_id: int,
        person: Person,
        manager: Person,
        spec: TemplateSpec,
        level: float,
        end: date,
        rng: random.Random,
    ) -> list[tuple[int, int, dict[str, str], datetime]]:
        """Two colleagues rate (min_peer_raters), from the department, else the nearest people."""
        if spec.domain.weight(Part.PEER) <= 0:
            return []
        pool = [p for p in person.dept.members if p is not person]
        boss = person.manager
        nearby = [boss, *person.reports]
        if boss is not None:
            nearby += [*boss.reports, *boss.dept.members, boss.manager]
        for extra in nearby:
            if len(pool) >= 6:
                break
            if extra is not None and extra is not person and extra not in pool:
                pool.append(extra)
        raters = rng.sample(pool, min(len(pool), 2))
        forms = []
        for rater, form_id in zip(
            raters, self.loader.ids(PeerForm.__table__, len(raters)), strict=True
        ):
            ratings = _ratings(spec, Part.PEER, level + rng.gauss(0, 0.05), rng)
            submitted = self._at(end + timedelta(days=3 + rng.randrange(5)), rng)
            comment = rng.choice(words.PEER_COMMENTS)
            self.forms.add(
                form_id, appraisal_id, rater.id, ratings, comment, submitted, manager.id, 1
            )
            forms.append((form_id, rater.id, ratings, submitted))
        return forms

    def _adjustments(
        self,
        review: ReviewRef,
        person: Person,
        manager: Person,
        spec: TemplateSpec,
        rng: random.Random,
    ) -> list[tuple[int, str | None, int, str, Decimal]]:
        """One in thirty people has a bonus or deduction: a kind of the review's template, or
        free-form points it allows, checked as the form checks them (the row holds the total)."""
        if rng.random() >= 0.03:
            return []
        kind, count, points, reason = rng.choice(words.ADJUSTMENTS)
        given = None if points is None else Decimal(points)
        total = checked_points(spec, kind, count, given, reason)
        adjustment_id = self.loader.next_id(Adjustment.__table__)
        at = self._at(review.cycle.period.end - timedelta(days=rng.randrange(60)), rng)
        self.adjustments.add(
            adjustment_id, review.cycle.id, person.id, kind, count, total, reason, manager.id, at
        )
        return [(adjustment_id, kind, count, reason, total)]

    def _calibrate(self, rows: list[dict[str, Any]], spec: TemplateSpec, tag: str) -> None:
        """HR moves about one grade in a hundred in calibration, with a reason (audited)."""
        labels = spec.band_labels()
        rng = random.Random(f"{tag}:calibration")
        for row in rows:
            if rng.random() >= 0.01 or row["grade"] not in labels[:2]:
                continue
            index = labels.index(row["grade"])
            to = labels[1 - index]
            reason = rng.choice(words.CALIBRATION_UP if index == 1 else words.CALIBRATION_DOWN)
            at = row["finalized_at"] + timedelta(hours=2)
            self.changes.add(self.loader.next_id(CalibrationChange.__table__), row["id"],
                             row["final_grade"], to, reason, self.hr.id, at)  # fmt: skip
            row["final_grade"] = to

    def _rank(self, rows: list[dict[str, Any]]) -> None:
        """Rank inside each department by the composite as shown, as release does."""
        groups: dict[int, dict[str, Decimal]] = {}
        for row in rows:
            groups.setdefault(row["department_id"], {})[str(row["id"])] = round_display(
                row["composite"], GRADE_PLACES
            )
        ranks = {int(r.key): r.rank for group in groups.values() for r in rank(group)}
        for row in rows:
            row["rank"] = ranks[row["id"]]

    def _plan(
        self, row: dict[str, Any], review: ReviewRef, spec: TemplateSpec, closed: bool
    ) -> None:
        """The plan finalize drafts for a plan grade (okr.plans.drafting.draft_plan), then its progress."""
        goals, manager, rng, weak_criteria = row.pop("_plan")
        if row["grade"] not in spec.domain.improvement_plan_grades:
            return
        following = next_period(review.cycle.period)
        mid, end = following.start + timedelta(days=following.days // 2), following.end
        person, coach = row["person_id"], row["manager_id"] or row["person_id"]
        items: list[tuple[str, str, str, str, int, date]] = []
        weak_krs = sorted(
            (kr for goal in goals for kr in goal.krs if kr.weight > 0 and kr.progress < 1),
            key=lambda kr: (kr.progress, kr.position, kr.id),
        )[:WEAKEST_KRS]
        for kr in weak_krs:
            c = kr.columns
            if c["kind"] not in NUMERIC_TARGET_KINDS or c["target"] is None:
                figures = pct(kr.progress), pct(Decimal(1))
            elif c["hold_scoring"] == "pass_fail":  # met or not: the target with its edge
                edge = hold_edge(c["kind"], c["target"], c["unit"], c["hold_strict"])
                figures = _figure(kr.current, c["unit"]), edge
            else:
                figures = _figure(kr.current, c["unit"]), _figure(c["target"], c["unit"])
            items.append(("indicator", kr.title, *figures, person, end))
        for part, label, mean, target, top in weak_criteria:
            title = _("%(criterion)s (%(part)s)", criterion=label, part=PART_WORDS[part])
            items.append(("indicator", title, f"{mean} / {top}", f"{target} / {top}", person, end))
            items.append(
                ("training", _("Training: %(criterion)s", criterion=label), "", "", coach, mid)
            )
        growth = _("Growth plan for %(cycle)s: direction, goals and support", cycle=following.label)
        items.append(("growth", growth, "", "", person, end))
        plan_id = self.loader.next_id(ImprovementPlan.__table__)
        released: datetime = row["released_at"]
        agreed = (
            released + timedelta(days=2 + rng.randrange(5))
            if closed or rng.random() < 0.6
            else None
        )
        if closed:
            outcome = rng.choice(words.PLAN_OUTCOMES)
            closed_at = datetime.combine(end - timedelta(days=3), time(16), self.zone).astimezone(
                UTC
            )
            self.plans.add(plan_id, row["id"], person, "closed", outcome, agreed, closed_at, 1)
        else:
            self.plans.add(
                plan_id, row["id"], person, "agreed" if agreed else "draft", "", agreed, None, 1
            )
        for item_id, (section, title, current, target, owner, due) in zip(
            self.loader.ids(ImprovementItem.__table__, len(items)), items, strict=True
        ):
            notes, status = [], "open"
            if closed:
                status = "done" if rng.random() < 0.8 else "dropped"
            elif agreed is not None and rng.random() < 0.5:
                status = "in_progress"
            if status != "open":
                at = min(agreed + timedelta(days=7 + rng.randrange(20)), self.now)  # type: ignore[operator]
                notes = [{"by": manager.id, "name": manager.name, "at": at.isoformat(),
                          "text": rng.choice(words.FOLLOW_UPS)}]  # fmt: skip
            self.items.add(item_id, plan_id, section, title[:300], current[:100], target[:100],
                           owner, due, status, notes)  # fmt: skip

    def close(self) -> None:
        """Write every sink, parents before children."""
        for sink in (self.reviews, self.scopes, self.adjustments, self.appraisals, self.forms,
                     self.changes, self.plans, self.items):  # fmt: skip
            sink.close()
