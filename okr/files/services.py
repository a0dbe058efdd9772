"""Storing and removing generated files (the database is the store every app host shares)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from okr.db import utcnow
from okr.extensions import db
from okr.files.models import StoredFile


def store(name: str, content_type: str, content: bytes, owner_id: int | None) -> StoredFile:
    """Keep a generated file for OKR_FILE_RETENTION_DAYS; flushed, so it has an id."""
    days = current_app.config["FILE_RETENTION_DAYS"]
    stored = StoredFile(
        name=name,
        content_type=content_type,
        size=len(content),
        content=content,
        owner_id=owner_id,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def remove_expired() -> int:
    """Delete the files past their retention; the number removed."""
    result = db.session.execute(delete(StoredFile).where(StoredFile.expires_at <= utcnow()))
    return result.rowcount or 0
