"""Fixtures: the app on SQLite and on a real PostgreSQL, clients, sign-in, factories, query counts,
a real Redis and real job workers.

Every test that uses the database runs twice, once per backend. PostgreSQL tests skip when no
server binaries exist, unless OKR_TEST_REQUIRE names `postgresql` (CI), when they fail instead;
likewise Redis (`redis`).
"""

from __future__ import annotations

import contextvars
import itertools
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from okr import create_app
from okr.extensions import db
from okr.org.models import Department, Person
from tests import pg
from tests.helpers import TEST_PASSWORD, unavailable
from tests.jobs.harness import Workers, redis_database, use_queue


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if pg.find_bindir() is None:
        unavailable("postgresql", "no initdb found (apt-get install postgresql)")
    try:
        with pg.running_server() as url:
            yield url
    except Exception as exc:  # a server that cannot start is reported, not hidden
        if isinstance(exc, pytest.fail.Exception | pytest.skip.Exception):
            raise
        unavailable("postgresql", repr(exc))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server (Debian's), like the tests' PostgreSQL."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis", "no redis-server found (apt-get install redis-server)")
    port, folder = _free_port(), tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    unavailable("redis", f"redis-server did not start on port {port}")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database with the current schema, once per backend per session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "schema"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    yield url
    shared = _apps.pop(url, None)
    if shared is not None:  # close pooled connections before the server stops
        with shared.app_context():
            db.engine.dispose()


def _empty_all_tables() -> None:
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


_apps: dict[str, Flask] = {}


def _fast_sqlite(connection: Any, _record: Any) -> None:
    """Throwaway test databases need no durability: skip fsync (the app's WAL journal stays)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def _shared_app(database_url: str) -> Flask:
    """One app per database for the session: building one (routes, templates) is the slow part."""
    if database_url not in _apps:
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": database_url,
                "SECRET_KEY": "test",
                "WTF_CSRF_ENABLED": False,
                "DEFAULT_LOCALE": "en",
            }
        )
        app.test_client_class = IsolatedClient
        if database_url.startswith("sqlite"):
            with app.app_context():
                event.listen(db.engine, "connect", _fast_sqlite)
        _apps[database_url] = app
    return _apps[database_url]


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app with empty tables; config changes and the instance folder last one test."""
    app = _shared_app(database_url)
    config, instance_path = dict(app.config), app.instance_path
    app.instance_path = str(tmp_path)
    try:
        with app.app_context():
            yield app
            db.session.remove()
            _empty_all_tables()
    finally:
        app.config.clear()
        app.config.update(config)
        app.instance_path = instance_path


@pytest.fixture
def job_workers(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Iterator[Workers]:
    """Real `flask jobs worker` processes for the test app (none run until `.start()`).

    The queue goes with the database as deployed: the embedded SQLite queue beside SQLite (one
    host), Redis beside PostgreSQL (any number of hosts); job times are short.
    """
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    else:
        url = redis_database(request.getfixturevalue("redis_url"), request.node.nodeid)
    running = Workers(use_queue(app, url))
    yield running
    running.stop()
    db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def login(client: FlaskClient) -> Callable[[Person], FlaskClient]:
    """Sign a person in on the test client without going through the form."""

    def sign_in(person: Person) -> FlaskClient:
        from tests.helpers import sign_in as put_session

        return put_session(client, person)

    return sign_in


_counter = itertools.count(1)


@pytest.fixture
def make_department(app: Flask) -> Callable[..., Department]:
    def make(name: str | None = None, parent: Department | None = None, **kw: Any) -> Department:
        department = Department(
            name=name or f"Team {next(_counter)}", parent_id=parent.id if parent else None, **kw
        )
        db.session.add(department)
        db.session.commit()
        return department

    return make


@pytest.fixture
def make_person(app: Flask, make_department: Callable[..., Department]) -> Callable[..., Person]:
    from werkzeug.security import generate_password_hash

    hashed = generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1000")

    def make(
        name: str | None = None,
        *,
        department: Department | None = None,
        manager: Person | None = None,
        email: str | None = None,
        **kw: Any,
    ) -> Person:
        n = next(_counter)
        person = Person(
            name=name or f"Person {n}",
            email=email or f"person{n}@example.com",
            department_id=(department or make_department()).id,
            manager_id=manager.id if manager else None,
            password_hash=hashed,
            **kw,
        )
        db.session.add(person)
        db.session.commit()
        return person

    return make


@pytest.fixture
def admin(make_person: Callable[..., Person]) -> Person:
    return make_person("Admin", is_admin=True, email="admin@example.com")


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own `g` (signed-in user)
    and its own database session, not the test's. Re-read rows after a request
    (`db.session.expire_all()` or `refresh`) to see what it changed."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """`with count_queries() as q: ...` then `q.count` is the number of SQL statements run."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if (
                statement != "BEGIN IMMEDIATE"
            ):  # SQLite's write lock; PostgreSQL's BEGIN is implicit
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting
