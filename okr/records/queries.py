"""What a review record is made from, read in a fixed number of queries whatever the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from okr.extensions import db
from okr.objectives.models import Adjustment, Objective
from okr.objectives.queries import individual_objectives
from okr.org.models import Company, Person
from okr.reviews.models import Appraisal, CalibrationChange, ImprovementPlan, Review
from okr.team.weekly import weekly_values


@dataclass
class RecordSources:
    """The appraisal with its review, cycle and people, and the rows its record prints."""

    appraisal: Appraisal
    objectives: list[Objective]
    series: dict[tuple[int, date], Decimal]  # (key result id, week) -> last value checked in
    adjustments: list[Adjustment]
    changes: list[CalibrationChange]
    plan: ImprovementPlan | None
    owners: dict[int, str]  # person id -> name, for the plan's items
    company: str


def record_sources(appraisal_id: int) -> RecordSources:
    """Everything one record needs, without a query per key result, sheet or plan item."""
    appraisal = _appraisal(appraisal_id)
    cycle = appraisal.review.cycle
    objectives = list(
        db.session.scalars(
            individual_objectives(cycle.id, appraisal.person_id).options(
                db.selectinload(Objective.key_results)
            )
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
    plan, owners = _plan(appraisal)
    company = db.session.scalar(select(Company.name).limit(1)) or ""
    return RecordSources(appraisal, objectives, series, adjustments, changes, plan, owners, company)


def _appraisal(appraisal_id: int) -> Appraisal:
    return db.session.scalars(
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


def _plan(appraisal: Appraisal) -> tuple[ImprovementPlan | None, dict[int, str]]:
    """The appraisal's plan with its items, and the names of the items' owners."""
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
    return plan, owners
