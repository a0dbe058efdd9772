"""API tokens (only their SHA-256 is kept) and the stored answers of idempotent requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr.db import UTCDateTime, utcnow
from okr.extensions import db
from okr.org.models import Person


class ApiToken(db.Model):
    """A personal (okr_pat_) or service (okr_svc_) token: its owner's rights, cut to its scopes.

    A service token is owned by a person too (HR makes an account for the data pipeline and a
    token for it), so it can never do more than that account may on the pages.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # personal | service
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    hint: Mapped[str] = mapped_column(String(20))  # the prefix and first characters, for lists
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[list[str]] = mapped_column(JSON)  # read, checkin, admin
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[Person] = relationship(lazy="raise")


class IdempotentRequest(db.Model):
    """The answer given to a request with an Idempotency-Key, replayed for the same key and body."""

    __tablename__ = "api_idempotent_request"
    __table_args__ = (
        Index("ix_api_idempotent_request_created", "created_at"),
        Index("uq_api_idempotent_request_token_key", "token_id", "key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of method, path and body
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
