"""Batches of records (a department's or a whole review's): what HR asked for, made by a job."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr.db import UTCDateTime, utcnow
from okr.extensions import db

if TYPE_CHECKING:
    from okr.jobs.models import Job


class RecordBatch(db.Model):
    """The review, the scope and the options asked for, and by whom; its job does the work
    (status, progress, attempts, the reason it failed and the ZIP are the job's)."""

    __tablename__ = "record_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    combined: Mapped[bool] = mapped_column(Boolean, default=False)  # also one merged PDF
    locale: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id"), unique=True)

    job: Mapped[Job] = relationship(lazy="raise")
