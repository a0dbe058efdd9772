"""Flask extensions, created unbound so that no module imports the app; and how the database
engine's pool hands out connections."""

from __future__ import annotations

import select
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

from okr.db import Base, serialise_sqlite_writes

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = Htmx()


def set_up_engine(app: Flask) -> None:
    """The database engine's behaviour beyond its options: SQLite's writers serialised
    (okr.db.serialise_sqlite_writes), and no closed PostgreSQL connection handed out."""
    with app.app_context():
        serialise_sqlite_writes(db.engine, float(app.config["SQLITE_BUSY_TIMEOUT"]))
        drop_closed_connections(db.engine)


def drop_closed_connections(engine: Engine) -> None:
    """Hand out no pooled PostgreSQL connection that the server has closed (it restarted, or
    ended the backend): the pool replaces it with a new one, so the request does not fail.

    Checked at every checkout without a round trip, unlike `pool_pre_ping` (a `SELECT 1` before
    every request's first statement): an idle connection's socket has nothing to read until the
    server says goodbye (its FATAL message, then end of file). A server that vanished without a
    word (a cut network) is not seen this way; `pool_recycle` (okr.config) bounds how long a
    connection is kept, and SQLAlchemy drops every pooled connection on the first error it reads
    as a disconnect.
    """
    if engine.dialect.name == "postgresql" and not event.contains(engine, "checkout", _closed):
        event.listen(engine, "checkout", _closed)


def _closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection is closed")
    readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    if readable:  # idle, yet the server sent something: only its goodbye comes unasked
        raise DisconnectionError("the server closed the connection")
