"""Declarative base, naming convention and column types shared by every model."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Engine, MetaData, Numeric, String, TypeDecorator, event
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


def stored(value: Decimal | None) -> Decimal | None:
    """A figure as an Exact column reads it back (12 places, half up, normalised)."""
    if value is None:
        return None
    value = value.quantize(_QUANTUM, rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _first_write_transaction() -> bool:
    """The first transaction of a request that may write (later ones only draw the response)."""
    from flask import g, has_request_context, request

    if not has_request_context() or request.method in SAFE_METHODS or "sqlite_began" in g:
        return False
    g.sqlite_began = True
    return True


def serialise_sqlite_writes(engine: Engine, busy_timeout: float) -> None:
    """Let SQLite take concurrent writers: WAL, a busy timeout, the write lock taken at BEGIN.

    The driver begins a transaction deferred, before its first write, and asks for the write
    lock only then; two requests that read and then write at the same time deadlock, and SQLite
    fails one at once with "database is locked", whatever the busy timeout. So a request that may
    write (any method but GET, HEAD, OPTIONS) begins with BEGIN IMMEDIATE: it takes the write
    lock before its first read and the next one waits up to `busy_timeout` seconds for it. Reads,
    later transactions of the request and work outside requests keep the driver's behaviour (its
    BEGIN comes right before the first write, which waits for the lock too). WAL lets readers go
    on meanwhile.
    """
    if engine.dialect.name != "sqlite":
        return
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        dbapi_connection = connection.connection.dbapi_connection
        if _first_write_transaction():
            dbapi_connection.isolation_level = None  # the driver must not BEGIN on its own
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            dbapi_connection.isolation_level = ""  # the driver's deferred BEGIN before a write
