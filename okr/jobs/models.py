"""Background jobs: what was asked, by whom, how far it got and how it ended."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from okr.db import UTCDateTime, utcnow
from okr.extensions import db

ACTIVE = ("queued", "running")
STATUSES = (*ACTIVE, "done", "failed")


class Job(db.Model):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # "kind:key" while the job is queued or running, NULL after: one active job per key, so a
    # second click or a retried request finds the job already asked for instead of a twin.
    active_key: Mapped[str | None] = mapped_column(String(240), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(String(300))
    failure: Mapped[str | None] = mapped_column(String(20))  # error | worker_lost
    error: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    worker: Mapped[str | None] = mapped_column(String(120))  # host:pid of the last runner
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_job_status_kind", "status", "kind"),)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def fraction(self) -> float | None:
        """How far along, 0..1, when the job knows its total."""
        if not self.total:
            return None
        return min(1.0, self.done / self.total)
