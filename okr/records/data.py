"""The review record (考核记录) as plain data: everything the PDF prints, loaded in a fixed number of queries.

The print template sees only these dataclasses (no ORM objects), and the content hash is taken
over them, so a changed copy can be told apart from the filed one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from okr.domain.attainment import attainment, max_points_of
from okr.domain.errors import DomainError
from okr.domain.numbers import fmt, quantity, round_display
from okr.explain import PART_WORDS, derivation_rule, describe_steps
from okr.extensions import db
from okr.labels import kind_label, pct
from okr.objectives.models import Adjustment, Objective
from okr.objectives.rules import spec_of as spec_of_kr
from okr.org.models import Company, Person
from okr.reviews.models import Appraisal, CalibrationChange, ImprovementPlan, PeerForm, Review
from okr.reviews.scoring import frozen_steps
from okr.reviews.services import INTERVIEW_STEPS, breakdown, spec_of
from okr.team.weekly import weekly_values

SCORE_PLACES = 2


@dataclass
class KRLine:
    title: str
    kind: str
    weight: str
    start: str
    target: str
    actual: str
    attainment: str
    points: str  # the rule's points, for point kinds ("5 of 8 points"), else ""
    score: str  # attainment x weight, out of the weight: the KR's share of the objective's 100
    series: list[tuple[str, str]]  # (week start ISO, attainment fraction) for the chart


@dataclass
class ObjectiveBlock:
    title: str
    weight: str
    progress: str
    key_results: list[KRLine]


@dataclass
class RatingLine:
    label: str
    weight: str
    scale: str
    value: str


@dataclass
class PlanLine:
    section: str
    title: str
    current: str
    target: str
    owner: str
    due: str
    status: str


@dataclass
class Record:
    record_number: str
    language: str
    company: str
    cycle: str
    cycle_dates: str
    review: str
    review_dates: str
    person: str
    department: str
    position: str
    manager: str
    objectives: list[ObjectiveBlock]
    okr_score: str
    self_ratings: list[RatingLine]
    self_reflection: str
    peer: list[RatingLine]
    peer_note: str
    interview_notes: list[tuple[str, str]]
    interview_ratings: list[RatingLine]
    disagreement: str
    adjustments: list[tuple[str, str]]
    parts: list[tuple[str, str, str, str]]  # part, weight, fraction, points
    composite: str
    scale: str
    grade: str
    final_grade: str
    rank: str
    overrides: list[tuple[str, str, str, str, str]]  # from, to, reason, who, when
    derivation: list[str]
    rounding: str
    plan: list[PlanLine]
    plan_status: str
    acknowledgement: str
    acknowledgement_note: str
    acknowledged_at: str
    interview_at: str
    chart_range: tuple[str, str] = ("", "")
    content_hash: str = field(default="")

    def compute_hash(self) -> str:
        """SHA-256 over the record's content (everything but the hash itself)."""
        data = asdict(self)
        data.pop("content_hash")
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def _score(value: Decimal | str | None) -> str:
    if value is None:
        return "—"
    return fmt(round_display(Decimal(value), SCORE_PLACES))


def _kr_points(kr: Any) -> str:
    """A point rule's points out of its most ("5 of 8 points"); "" for other kinds."""
    top = max_points_of(spec_of_kr(kr))
    if kr.points is None or top is None:
        return ""
    return _("%(points)s of %(max)s points", points=fmt(kr.points), max=fmt(top))


def _date(value: date | None) -> str:
    return format_date(value, "medium") if value else ""


def _when(value: datetime | None) -> str:
    return format_datetime(value, "medium") if value else ""


def _ratings(spec: Any, part: str, values: dict[str, Any]) -> list[RatingLine]:
    lines = []
    for item in spec.criteria(part):
        value = values.get(item["key"])
        lines.append(
            RatingLine(
                label=item.get("label") or item["key"],
                weight=f"{item['weight']}%",
                scale=f"{item['scale'][0]}–{item['scale'][1]}",
                value="—"
                if value in (None, "")
                else fmt(round_display(Decimal(str(value)), SCORE_PLACES)),
            )
        )
    return lines


def _peer_aggregate(
    spec: Any, appraisal: Appraisal, forms: list[PeerForm]
) -> tuple[list[RatingLine], str]:
    """Per-criterion means of the submitted sheets, only when enough raters submitted (anonymity)."""
    submitted = [
        f for f in forms if f.submitted_at is not None and f.rater_id != appraisal.person_id
    ]
    minimum = spec.domain.min_peer_raters
    if len(submitted) < minimum:
        return [], _(
            "Fewer than %(n)d colleagues submitted; the peer evaluation is not shown.", n=minimum
        )
    means = {}
    for item in spec.criteria("peer"):
        values = [
            Decimal(str(f.ratings[item["key"]]))
            for f in submitted
            if f.ratings.get(item["key"]) not in (None, "")
        ]
        means[item["key"]] = sum(values) / len(values) if values else None
    return _ratings(spec, "peer", means), _(
        "Mean of %(n)d colleagues; individual answers are not shown.", n=len(submitted)
    )


def _progress_series(
    kr: Any, values: dict[tuple[int, date], Decimal], cap: Decimal
) -> list[tuple[str, str]]:
    """Attainment after each week's last check-in, for the chart (same rule as the live figure)."""
    spec = spec_of_kr(kr)
    points = []
    for (kr_id, week), value in sorted(values.items(), key=lambda item: item[0][1]):
        if kr_id == kr.id:
            try:
                points.append((week.isoformat(), fmt(attainment(spec, value, cap).progress)))
            except DomainError:
                continue
    return points


def build_record(appraisal_id: int) -> Record:
    """Everything the record prints, as plain text in the current language."""
    appraisal = db.session.scalars(
        select(Appraisal)
        .where(Appraisal.id == appraisal_id)
        .options(
            db.joinedload(Appraisal.person).joinedload(Person.department),
            db.joinedload(Appraisal.manager),
            db.joinedload(Appraisal.department),
            db.joinedload(Appraisal.review).joinedload(Review.cycle),
            db.joinedload(Appraisal.review).joinedload(Review.template),
            db.selectinload(Appraisal.peer_forms),
        )
    ).one()
    review, cycle = appraisal.review, appraisal.review.cycle
    spec = spec_of(review.template)
    objectives = list(
        db.session.scalars(
            select(Objective)
            .where(
                Objective.cycle_id == cycle.id,
                Objective.owner_id == appraisal.person_id,
                Objective.level == "individual",
            )
            .options(db.selectinload(Objective.key_results))
            .order_by(Objective.position, Objective.id)
        )
    )
    series = weekly_values(cycle, [appraisal.person_id], cycle.start, cycle.end)
    adjustments = list(
        db.session.scalars(
            select(Adjustment)
            .where(Adjustment.cycle_id == cycle.id, Adjustment.person_id == appraisal.person_id)
            .order_by(Adjustment.id)
        )
    )
    changes = list(
        db.session.scalars(
            select(CalibrationChange)
            .where(CalibrationChange.appraisal_id == appraisal.id)
            .options(db.joinedload(CalibrationChange.actor))
            .order_by(CalibrationChange.at)
        )
    )
    plan = db.session.scalars(
        select(ImprovementPlan)
        .where(ImprovementPlan.appraisal_id == appraisal.id)
        .options(db.selectinload(ImprovementPlan.items))
    ).one_or_none()
    owners = {}
    if plan is not None and plan.items:
        owners = dict(
            db.session.execute(
                select(Person.id, Person.name).where(
                    Person.id.in_({i.owner_id for i in plan.items})
                )
            ).all()
        )
    company = db.session.scalar(select(Company.name).limit(1)) or ""

    if appraisal.result:
        data = appraisal.result
        derivation = describe_steps(frozen_steps(appraisal), spec.glossary())
        composite, grade = data.get("composite"), data.get("grade")
        parts = data.get("parts", {})
    else:
        live = breakdown(appraisal, spec)
        data = live.to_data()
        derivation = describe_steps(live.steps, spec.glossary())
        composite, grade, parts = data["composite"], data["grade"], data["parts"]

    blocks = [
        ObjectiveBlock(
            title=o.title,
            weight=f"{fmt(o.weight)}%",
            progress=pct(o.progress),
            key_results=[
                KRLine(
                    title=kr.title,
                    kind=kind_label(kr.kind),
                    weight=f"{fmt(kr.weight)}%",
                    start=quantity(kr.start, kr.unit),
                    target=quantity(kr.target, kr.unit),
                    actual=quantity(kr.current, kr.unit, empty="—"),
                    attainment=pct(kr.progress),
                    points=_kr_points(kr),
                    score=f"{_score(kr.progress * kr.weight)} / {fmt(kr.weight)}",
                    series=_progress_series(kr, series, cycle.attainment_cap),
                )
                for kr in o.key_results
            ],
        )
        for o in objectives
    ]
    peer, peer_note = _peer_aggregate(spec, appraisal, list(appraisal.peer_forms))
    step_titles = {
        "purpose": _("1. Purpose of the interview"),
        "self_assessment": _("2. The employee's self-assessment"),
        "result": _("3. The result"),
        "disagreement": _("4. What the employee disagrees with"),
        "plan": _("5. The improvement plan agreed"),
    }
    record = Record(
        record_number=f"R{review.id:04d}-{appraisal.id:06d}",
        language=str(get_locale() or "zh"),
        company=company,
        cycle=cycle.label,
        cycle_dates=f"{_date(cycle.start)} – {_date(cycle.end)}",
        review=review.name,
        review_dates=_(
            "Self-assessment by %(a)s · peers by %(b)s · interviews by %(c)s",
            a=_date(review.self_deadline),
            b=_date(review.peer_deadline),
            c=_date(review.interview_deadline),
        ),
        person=appraisal.person.name,
        department=appraisal.department.name,
        position=appraisal.person.position,
        manager=appraisal.manager.name if appraisal.manager else "—",
        objectives=blocks,
        okr_score=pct(Decimal(parts["kr"]["fraction"]))
        if parts.get("kr", {}).get("fraction")
        else "—",
        self_ratings=_ratings(spec, "self", appraisal.self_ratings or {}),
        self_reflection=appraisal.self_reflection,
        peer=peer,
        peer_note=peer_note,
        interview_notes=[
            (step_titles[s], (appraisal.interview_notes or {}).get(s, "")) for s in INTERVIEW_STEPS
        ],
        interview_ratings=_ratings(spec, "interview", appraisal.interview_ratings or {}),
        disagreement=appraisal.disagreement,
        adjustments=[(a.reason, fmt(a.points)) for a in adjustments],
        parts=[
            (
                str(PART_WORDS[p]),
                f"{parts[p]['weight']}%",
                pct(Decimal(parts[p]["fraction"])) if parts[p].get("fraction") else "—",
                _score(parts[p].get("points")),
            )
            for p in ("kr", "peer", "interview", "self")
            if p in parts and Decimal(parts[p]["weight"]) > 0
        ],
        composite=_score(composite),
        scale=fmt(spec.domain.total_scale),
        grade=grade or "—",
        final_grade=appraisal.final_grade or grade or "—",
        rank=str(appraisal.rank) if appraisal.rank else "—",
        overrides=[
            (c.from_grade or "—", c.to_grade, c.reason, c.actor.name, _when(c.at)) for c in changes
        ],
        derivation=derivation,
        rounding=" ".join(
            (
                _(
                    "Scores are computed exactly and shown rounded half up to %(n)d decimals; percentages to 1 decimal.",
                    n=SCORE_PLACES,
                ),
                derivation_rule(),
            )
        ),
        plan=[
            PlanLine(
                i.section,
                i.title,
                i.current,
                i.target,
                owners.get(i.owner_id, ""),
                _date(i.due),
                i.status,
            )
            for i in (plan.items if plan else [])
        ],
        plan_status=plan.status if plan else "",
        acknowledgement=appraisal.acknowledgement or "",
        acknowledgement_note=appraisal.acknowledgement_note,
        acknowledged_at=_when(appraisal.acknowledged_at),
        interview_at=_when(appraisal.interview_at),
        chart_range=(cycle.start.isoformat(), cycle.end.isoformat()),
    )
    record.content_hash = record.compute_hash()
    return record
