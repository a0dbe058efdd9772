"""The organisation: one company, a tree of departments, and the people in it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr.db import UTCDateTime, utcnow
from okr.extensions import db


class Company(db.Model):
    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # When on, everyone in a department can read its members' individual OKRs.
    okr_transparency: Mapped[bool] = mapped_column(Boolean, default=False)


class Department(db.Model):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_department_parent_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    parent: Mapped[Department | None] = relationship(remote_side=[id], lazy="raise")
    head: Mapped[Person | None] = relationship(foreign_keys=[head_id], lazy="raise")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Person(UserMixin, db.Model):
    """A member of the company; also the account that signs in."""

    __tablename__ = "person"
    # Lists of people are ordered by name (then id): a page of 25 of 10,000 is read from this
    # index instead of sorting everyone (34 ms -> 0.2 ms on PostgreSQL).
    __table_args__ = (Index("ix_person_name_id", "name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    position: Mapped[str] = mapped_column(String(100), default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    department: Mapped[Department] = relationship(foreign_keys=[department_id], lazy="raise")
    manager: Mapped[Person | None] = relationship(remote_side=[id], lazy="raise")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """Flask-Login's id for the cookie: the token of this sign-in's server-side session
        (okr.auth.sessions), not the person's id, so that a session can end."""
        token = getattr(self, "session_token", None)
        if token is None:
            raise RuntimeError("no session: sign in through okr.auth.sessions.open_session")
        return token


class ImportBatch(db.Model):
    """An uploaded people file kept between preview and confirmation."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
