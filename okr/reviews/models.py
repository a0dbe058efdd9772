"""Reviews: templates (versioned data), review rounds, appraisals, peer forms, calibration, plans.

A template's `spec` is the documented JSON format (docs/review-templates.md). A template that a
review uses is never edited: editing it makes a new version. An appraisal stores its inputs
as they are entered and, when finalized, the full derivation (`result`), so a closed appraisal
never changes when templates or OKRs change later.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr.cycles.models import Cycle
from okr.db import Exact, UTCDateTime, utcnow
from okr.extensions import db
from okr.org.models import Department, Person


class ReviewTemplate(db.Model):
    __tablename__ = "review_template"
    __table_args__ = (
        UniqueConstraint("family", "version", name="uq_review_template_family_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(40))  # versions of one template share it
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    built_in: Mapped[bool] = mapped_column(Boolean, default=False)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)  # superseded by a newer version
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


review_department = Table(
    "review_department",
    db.metadata,
    Column("review_id", ForeignKey("review.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id", ondelete="CASCADE"), primary_key=True),
)


class Review(db.Model):
    """A review round: one OKR cycle, some departments, one template version, deadlines."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("review_template.id"))
    self_deadline: Mapped[date] = mapped_column(Date)
    peer_deadline: Mapped[date] = mapped_column(Date)
    interview_deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | released | closed
    created_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the roll-up parts' sources were last read for the whole review (None: not recorded).
    rollups_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[Cycle] = relationship(lazy="raise")
    template: Mapped[ReviewTemplate] = relationship(lazy="raise")
    departments: Mapped[list[Department]] = relationship(secondary=review_department, lazy="raise")


LIST_COLUMNS = [
    "status",
    "finalized_at",
    "released_at",
    "final_grade",
    "person_id",
    "id",
    "composite",
]


class Appraisal(db.Model):
    """One person in one review."""

    __tablename__ = "appraisal"
    __table_args__ = (
        UniqueConstraint("review_id", "person_id", name="uq_appraisal_review_person"),
        # The lists over a review (dashboard, rankings, calibration) count and page from this
        # index alone on PostgreSQL: an appraisal row is wide (its inputs and frozen derivation),
        # the columns the lists filter and order on are included.
        Index(
            "ix_appraisal_review_department",
            "review_id",
            "department_id",
            postgresql_include=LIST_COLUMNS,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # Snapshots at opening: who managed them and where they sat then.
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    self_ratings: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    self_reflection: Mapped[str] = mapped_column(Text, default="")
    self_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    interview_ratings: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    interview_notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # by step
    # A scorecard template's indicators: section key -> indicator key -> the exact value entered.
    indicator_values: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    # A roll-up template's parts (okr.reviews.cycle_results): part key -> the released results
    # of the shorter cycles read for it; refreshed while open, frozen at finalize.
    rollup_sources: Mapped[dict[str, list[dict[str, Any]]]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    # A self-assessed section's points as the person entered them (shown beside, never counted).
    self_indicator_values: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    interview_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disagreement: Mapped[str] = mapped_column(Text, default="")
    # Live figures (recomputed while open) and, once finalized, the frozen derivation.
    composite: Mapped[Decimal | None] = mapped_column(Exact)
    grade: Mapped[str | None] = mapped_column(String(40))
    final_grade: Mapped[str | None] = mapped_column(String(40))  # after calibration
    rank: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledgement: Mapped[str | None] = mapped_column(String(10))  # agree | disagree
    acknowledgement_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    review: Mapped[Review] = relationship(lazy="raise")
    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="raise")
    manager: Mapped[Person | None] = relationship(foreign_keys=[manager_id], lazy="raise")
    department: Mapped[Department] = relationship(lazy="raise")
    peer_forms: Mapped[list[PeerForm]] = relationship(
        back_populates="appraisal", lazy="raise", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class PeerForm(db.Model):
    """One assigned rater's form for one appraisal (团队评估)."""

    __tablename__ = "peer_form"
    __table_args__ = (
        UniqueConstraint("appraisal_id", "rater_id", name="uq_peer_form_appraisal_rater"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(
        ForeignKey("appraisal.id", ondelete="CASCADE"), index=True
    )
    rater_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    ratings: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    appraisal: Mapped[Appraisal] = relationship(back_populates="peer_forms", lazy="raise")
    rater: Mapped[Person] = relationship(foreign_keys=[rater_id], lazy="raise")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CalibrationChange(db.Model):
    """An override of a grade during calibration: who, when, why (the audit)."""

    __tablename__ = "calibration_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(
        ForeignKey("appraisal.id", ondelete="CASCADE"), index=True
    )
    from_grade: Mapped[str | None] = mapped_column(String(40))
    to_grade: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[Person] = relationship(lazy="raise")


class ImprovementPlan(db.Model):
    """绩效改进计划 for one appraisal: indicator, training and growth items."""

    __tablename__ = "improvement_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(
        ForeignKey("appraisal.id", ondelete="CASCADE"), unique=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | agreed | closed
    outcome: Mapped[str] = mapped_column(Text, default="")
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    items: Mapped[list[ImprovementItem]] = relationship(
        back_populates="plan",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="ImprovementItem.section, ImprovementItem.id",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ImprovementItem(db.Model):
    __tablename__ = "improvement_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("improvement_plan.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[str] = mapped_column(String(12))  # indicator | training | growth
    title: Mapped[str] = mapped_column(String(300))
    current: Mapped[str] = mapped_column(String(100), default="")
    target: Mapped[str] = mapped_column(String(100), default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(
        String(12), default="open"
    )  # open | in_progress | done | dropped
    follow_ups: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    plan: Mapped[ImprovementPlan] = relationship(back_populates="items", lazy="raise")
    owner: Mapped[Person] = relationship(lazy="raise")
