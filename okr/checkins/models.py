"""An uploaded file of values (external id, value) kept between its preview and confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from okr.db import UTCDateTime, utcnow
from okr.extensions import db


class ValueUpload(db.Model):
    """The file's header and rows as read (each row {"line": n, "cells": [...]}), whose it is,
    and once confirmed, when (and by a job, how many rows are done: a retry skips them)."""

    __tablename__ = "value_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    header: Mapped[list[str]] = mapped_column(JSON)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_rows: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
