"""Batches of records (a department's or a whole review's), produced outside the web worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from okr.db import UTCDateTime, utcnow
from okr.extensions import db


class RecordBatch(db.Model):
    __tablename__ = "record_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    combined: Mapped[bool] = mapped_column(Boolean, default=False)  # also one merged PDF
    locale: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(
        String(10), default="queued"
    )  # queued | running | done | failed
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    # why it failed: error (see `error`) | runner_gone | no_heartbeat | never_started
    failure: Mapped[str] = mapped_column(String(20), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The process producing the batch, and when it last said it was alive (every record).
    runner_pid: Mapped[int | None] = mapped_column(Integer)
    runner_host: Mapped[str] = mapped_column(String(255), default="")
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
