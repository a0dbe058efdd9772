"""Cycles (quarters, months, years) and their audit line."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr.db import Exact, UTCDateTime, utcnow
from okr.extensions import db
from okr.org.models import Person


class Cycle(db.Model):
    __tablename__ = "cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # month | quarter | half_year | year
    label: Mapped[str] = mapped_column(String(40), unique=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="planning")
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    # Highest attainment a key result may reach: 1 = 100 %, 1.2 = 120 % over-achievement.
    attainment_cap: Mapped[Decimal] = mapped_column(Exact, default=Decimal(1))
    # The cycle's own review scheme: whose bonuses and deductions are recorded for people not
    # (yet) appraised in one of its reviews, and the template a review opens with by default.
    # The table is reviews' (a higher feature): named, never imported.
    template_id: Mapped[int | None] = mapped_column(ForeignKey("review_template.id"))
    # The cycle's calendar: how often people check in (okr.domain.cadence), and the windows in
    # which goals are set and agreed (planning) and results assessed (assessment); None: unset.
    checkin_cadence: Mapped[str] = mapped_column(String(10), server_default="weekly")
    planning_opens: Mapped[date | None] = mapped_column(Date)
    planning_closes: Mapped[date | None] = mapped_column(Date)
    assessment_opens: Mapped[date | None] = mapped_column(Date)
    assessment_closes: Mapped[date | None] = mapped_column(Date)
    # Whether the planning window binds: outside it only HR creates and submits objectives.
    planning_binding: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # Seed 002's rule: each objective needs a quantity, a quality and a time key result
    # (okr.objectives.aspects), checked when a set is submitted for approval.
    require_aspects: Mapped[bool] = mapped_column(Boolean, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CycleChange(db.Model):
    """A status change of a cycle; reopening needs a reason."""

    __tablename__ = "cycle_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[Person] = relationship(lazy="raise")
