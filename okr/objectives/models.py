"""Objectives, key results, their check-ins and adjustments.

Data layout for scale (10,000 people, 100,000 key results, a million check-ins): the check-in log
is append-only and only read per key result (index on key_result_id, created_at); each key result
keeps its latest value, confidence, note and progress, and each objective its cached progress, so
pages never read the log or walk the tree to draw themselves. The cache is refreshed along the
parent chain whenever a key result, weight or alignment changes (services.refresh_progress).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr.cycles.models import Cycle
from okr.db import Exact, UTCDateTime, utcnow
from okr.extensions import db
from okr.org.models import Department, Person


class Objective(db.Model):
    __tablename__ = "objective"
    __table_args__ = (
        Index("ix_objective_cycle_owner", "cycle_id", "owner_id"),
        Index("ix_objective_cycle_department", "cycle_id", "department_id"),
        Index("ix_objective_cycle_level", "cycle_id", "level"),  # the company's objectives
        # the sets waiting for approval (home): the few submitted among every objective, found
        # by whose (a manager's reports) or which department's (a head's) they are
        Index(
            "ix_objective_submitted_owner",
            "cycle_id",
            "owner_id",
            postgresql_where=text("status = 'submitted'"),
            sqlite_where=text("status = 'submitted'"),
        ),
        Index(
            "ix_objective_submitted_department",
            "cycle_id",
            "department_id",
            postgresql_where=text("status = 'submitted'"),
            sqlite_where=text("status = 'submitted'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"))
    level: Mapped[str] = mapped_column(String(12))  # company | department | individual
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # individual: the person; department: its head at creation; company: the leader who owns it
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("objective.id"), index=True)
    weight: Mapped[Decimal] = mapped_column(Exact, default=Decimal(0))
    progress_rule: Mapped[str] = mapped_column(String(12), default="own_krs")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    review_comment: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)  # 完成时间: within the cycle; None: its end
    position: Mapped[int] = mapped_column(Integer, default=0)
    progress: Mapped[Decimal | None] = mapped_column(Exact)  # cached, fraction 0..cap
    confidence: Mapped[str | None] = mapped_column(String(12))  # worst of its key results
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    cycle: Mapped[Cycle] = relationship(lazy="raise")
    owner: Mapped[Person] = relationship(lazy="raise")
    department: Mapped[Department | None] = relationship(lazy="raise")
    parent: Mapped[Objective | None] = relationship(remote_side=[id], lazy="raise")
    key_results: Mapped[list[KeyResult]] = relationship(
        back_populates="objective",
        lazy="raise",
        order_by="KeyResult.position, KeyResult.id",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ObjectiveChange(db.Model):
    """A recorded edit of an approved objective or its key results."""

    __tablename__ = "objective_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objective.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(40))  # e.g. edited, kr_added, approved, returned
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[Person] = relationship(lazy="raise")


class KeyResult(db.Model):
    __tablename__ = "key_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objective.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(20), default="")
    kind: Mapped[str] = mapped_column(String(12))  # okr.domain.krspec.KRKind
    weight: Mapped[Decimal] = mapped_column(Exact, default=Decimal(0))
    start: Mapped[Decimal | None] = mapped_column(Exact)
    target: Mapped[Decimal | None] = mapped_column(Exact)
    step: Mapped[Decimal | None] = mapped_column(Exact)
    points_per_step: Mapped[Decimal | None] = mapped_column(Exact)
    direction: Mapped[str | None] = mapped_column(String(4))
    max_points: Mapped[Decimal | None] = mapped_column(Exact)
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Hold kinds (at_least, at_most) only: "pass_fail" (met or not) or "proportional" (partial
    # credit short of the target), and whether the target itself is not enough ("> 5%").
    hold_scoring: Mapped[str | None] = mapped_column(String(12))  # okr.domain.krspec.HoldScoring
    hold_strict: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    position: Mapped[int] = mapped_column(Integer, default=0)
    # What it measures of its objective (seed 002: 数量 quantity, 质量 quality, 时限 time; None:
    # untagged) and its due date (within the cycle, not after its objective's). A time key result
    # is scored from the value standing on its due date (okr.domain.due_dates), kept here as
    # `current` keeps the latest.
    aspect: Mapped[str | None] = mapped_column(String(8))  # okr.domain.due_dates.Aspect
    due_on: Mapped[date | None] = mapped_column(Date)
    due_value: Mapped[Decimal | None] = mapped_column(Exact)
    # Where its numbers come from (okr.key_results.sources): typed in, or pushed by the API or an
    # upload under the external id a data pipeline knows (unique across the company when set).
    source: Mapped[str] = mapped_column(String(12), default="manual", server_default="manual")
    source_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # The scorecard indicator it feeds on its owner's appraisal ("section.indicator" of a
    # key-result-fed indicator of the cycle's review template; okr.reviews.kr_indicators).
    indicator: Mapped[str | None] = mapped_column(String(120))
    # Latest state, copied from the newest check-in so pages need not read the log.
    current: Mapped[Decimal | None] = mapped_column(Exact)
    confidence: Mapped[str | None] = mapped_column(String(12))
    last_note: Mapped[str] = mapped_column(Text, default="")
    last_checkin_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    progress: Mapped[Decimal] = mapped_column(Exact, default=Decimal(0))
    points: Mapped[Decimal | None] = mapped_column(Exact)
    version: Mapped[int] = mapped_column(Integer, default=1)

    objective: Mapped[Objective] = relationship(back_populates="key_results", lazy="raise")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CheckIn(db.Model):
    """One weekly update of a key result; never edited.

    A wrong value is corrected by a new check-in that supersedes it (`corrects_id`, with the
    reason): both stay in the log, and wherever "the value" of a week or of the key result is
    read, superseded check-ins are left out. A correction keeps the week of what it corrects.
    """

    __tablename__ = "check_in"
    __table_args__ = (Index("ix_check_in_kr_created", "key_result_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_result_id: Mapped[int] = mapped_column(ForeignKey("key_result.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(Exact)
    confidence: Mapped[str] = mapped_column(String(12))  # on_track | at_risk | off_track
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    week: Mapped[date] = mapped_column(Date, index=True)  # Monday of the check-in's week
    # A correction: the check-in it supersedes (each is superseded at most once) and why.
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("check_in.id", ondelete="CASCADE"), unique=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    # How it came in: form | api | upload, and for the API or an upload which token or file.
    origin: Mapped[str] = mapped_column(String(12), default="form", server_default="form")
    origin_ref: Mapped[str | None] = mapped_column(Text)

    author: Mapped[Person] = relationship(lazy="raise")
    corrects: Mapped[CheckIn | None] = relationship(
        remote_side=[id], back_populates="corrected_by", lazy="raise"
    )
    corrected_by: Mapped[CheckIn | None] = relationship(
        back_populates="corrects", uselist=False, lazy="raise"
    )


class Adjustment(db.Model):
    """A bonus or deduction with its reason, recorded against a person's cycle.

    `kind` is the key of one of the review template's adjustment kinds (错别字 -0.5 each), recorded
    `count` times; NULL is a free-form adjustment (a reason and any points), which counts only
    under a template that allows them. `points` is always the row's signed total (count × each),
    so sums read the column alone."""

    __tablename__ = "adjustment"
    __table_args__ = (Index("ix_adjustment_cycle_person", "cycle_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str | None] = mapped_column(Text)  # the template kind's key; None = free-form
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    points: Mapped[Decimal] = mapped_column(Exact)  # + bonus, - deduction: the row's total
    reason: Mapped[str] = mapped_column(String(300))
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A streak rule's points carried into this cycle (okr.flags.carry): the act it comes from,
    # once (unique); None for a bonus or deduction recorded by hand.
    streak_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("streak_action.id", ondelete="CASCADE"), unique=True
    )

    author: Mapped[Person] = relationship(foreign_keys=[author_id], lazy="raise")
