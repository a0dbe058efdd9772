"""The outbox: one notice per message to one recipient (a person, or a department's groups).

A notice is written once, by what decides that something is due (okr.reminders), in the
recipient's language; delivery (okr.notify.delivery) sends it on the recipient's channel and
keeps what each channel answered. Its key is unique, so the same thing is never posted twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from okr.db import UTCDateTime, utcnow
from okr.extensions import db

STATUSES = ("queued", "sending", "sent", "failed", "skipped")  # sending: okr.notify.delivery


class Notice(db.Model):
    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # checkin_due, manager_digest, …
    # What the notice is about, unique: "checkin_due:2026-W48:person:17". Posting the same key
    # again finds the notice already there (never twice for the same thing).
    key: Mapped[str] = mapped_column(String(240), unique=True)
    # Exactly one recipient: a person (on their chosen channel) or a department (its groups that
    # take this kind of digest).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE")
    )
    # Already in the recipient's language: a title and plain lines of text, and the page it is
    # about (a path in the app; delivery makes it absolute with OKR_BASE_URL).
    title: Mapped[str] = mapped_column(String(200))
    lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    link: Mapped[str | None] = mapped_column(String(500))
    # Mandatory notices (a review stage that is due) go even to those who opted out of the rest.
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the poster needs to tell, at delivery, whether it is still due (okr.notify.outbox).
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # quiet hours
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)  # why it failed or was skipped
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (department_id IS NULL)", name="one_recipient"),
        Index("ix_notice_status_not_before", "status", "not_before"),
        Index("ix_notice_person", "person_id"),
    )
