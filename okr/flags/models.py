"""What HR did about a met streak rule: the consequence recorded as acted on, and its undoing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr.db import Exact, UTCDateTime, utcnow
from okr.extensions import db
from okr.org.models import Person


class StreakAction(db.Model):
    """One streak rule met by one person's run ending with `appraisal_id` (the newest cycle of
    the run): acted on by whom and when, with a note; undone by whom and when (None: in force).
    One row per run and rule: acting again after an undo reuses it; `version` guards the edits."""

    __tablename__ = "streak_action"
    __table_args__ = (UniqueConstraint("appraisal_id", "streak_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(ForeignKey("appraisal.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    streak_key: Mapped[str] = mapped_column(String(80))
    consequence: Mapped[str] = mapped_column(String(40))
    run: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    acted_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    acted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A `points` consequence: the points carried into the next period and the run's cycles
    # (labels, oldest first) that the carried adjustment's reason names (okr.flags.carry).
    points: Mapped[Decimal | None] = mapped_column(Exact)
    cycles: Mapped[list[str] | None] = mapped_column(JSON)

    acted_by: Mapped[Person] = relationship(foreign_keys=[acted_by_id], lazy="raise")
    undone_by: Mapped[Person | None] = relationship(foreign_keys=[undone_by_id], lazy="raise")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
