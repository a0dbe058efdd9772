"""Declarative base, naming convention and column types shared by every model."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, MetaData, Numeric, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_moment: ContextVar[datetime | None] = ContextVar("okr_moment", default=None)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (or the moment a `dated` block writes at)."""
    return _moment.get() or datetime.now(UTC)


@contextmanager
def dated(moment: datetime) -> Iterator[None]:
    """Write what happens inside the block as of `moment` (the demo builds its past this way).

    Only code that runs inside the block in this context sees it; requests never do.
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use an aware one")
    token = _moment.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _moment.reset(token)


def local_date(moment: datetime) -> date:
    """The calendar day of a moment in the company's timezone (weeks and periods are local)."""
    from flask import current_app

    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns aware UTC datetimes on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use okr.db.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


EXACT_PLACES = 12
_QUANTUM = Decimal(1).scaleb(-EXACT_PLACES)


class Exact(TypeDecorator[Decimal]):
    """Exact decimals on every database: NUMERIC on PostgreSQL, text on SQLite (which has no decimal type).

    Scores decide pay, so no value may pass through a float. Values are stored to 12 decimal
    places (half up) on both databases, so a stored figure reads back the same everywhere.
    Do not sort or compare these columns in SQL on SQLite; order in Python instead.
    """

    impl = Numeric(32, EXACT_PLACES)
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(48))
        return dialect.type_descriptor(Numeric(32, EXACT_PLACES, asdecimal=True))

    def process_bind_param(self, value: Decimal | int | str | None, dialect: Any) -> Any:
        if value is None:
            return None
        value = Decimal(value)
        if not value.is_finite():
            raise ValueError("only finite decimals can be stored")
        value = value.quantize(_QUANTUM, rounding=ROUND_HALF_UP)
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        value = value if isinstance(value, Decimal) else Decimal(value)
        # The same value reads back the same on both databases: no trailing zeros, no exponent.
        return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
