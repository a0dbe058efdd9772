"""Pooled database connections: a server that closed them (a restart) fails no request."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from okr.extensions import db


def _end_every_backend(app) -> int:  # type: ignore[no-untyped-def]
    """What a restart does to the app's pooled connections: each backend is told to end
    (FATAL "terminating connection due to administrator command") and closes its socket."""
    url = db.engine.url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as c:
        ended = c.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return ended[0] if ended else 0


def _backend(client) -> int:  # type: ignore[no-untyped-def]
    with client.application.app_context():
        return int(db.session.scalar(text("SELECT pg_backend_pid()")))


def test_requests_after_the_server_closed_the_pooled_connections_succeed(
    app, client, make_person, login
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to restart")
    person = make_person("甲")
    login(person)
    assert client.get("/").status_code == 200
    before = _backend(client)
    db.session.remove()  # the test's own session gives its connection back too

    assert _end_every_backend(app) >= 1

    page = client.get("/")  # signed in still: the session row is read on a new connection
    assert page.status_code == 200
    assert "甲" in page.text
    assert client.get("/week/").status_code == 200
    assert _backend(client) != before


def test_a_connection_the_server_closed_is_not_handed_out(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to restart")
    with db.engine.connect() as connection:
        first = connection.scalar(text("SELECT pg_backend_pid()"))
    _end_every_backend(app)
    with db.engine.connect() as connection:  # the pool's idle one is dead: a new one instead
        assert connection.scalar(text("SELECT pg_backend_pid()")) != first
