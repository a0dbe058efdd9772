"""Real workers (`flask jobs worker` processes) on the embedded SQLite queue or a real Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

import tests.jobs.kinds  # noqa: F401  (the test kinds, in this process too)
from okr.extensions import db
from tests.jobs.harness import Workers, redis_database, use_queue


@pytest.fixture(params=["embedded", "redis"])
def queue_app(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Flask:
    """The test app on one queue backend, with short heartbeat and sweep times."""
    if request.param == "redis":
        url = redis_database(request.getfixturevalue("redis_url"), request.node.nodeid)
    else:
        url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    return use_queue(app, url)


@pytest.fixture
def workers(queue_app: Flask) -> Iterator[Workers]:
    running = Workers(queue_app)
    yield running
    running.stop()
    db.session.remove()
