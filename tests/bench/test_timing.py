"""OKR_SERVER_TIMING: each response says how long the server took and how many statements it sent."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy import event

from okr import create_app
from okr.extensions import db
from okr.org.models import Person
from tests.helpers import sign_in

TIMING = re.compile(r'^app;dur=(\d+\.\d\d), sql;desc="(\d+)"$')


def test_no_header_unless_asked(client: Any) -> None:
    assert "Server-Timing" not in client.get("/login").headers


def test_header_counts_every_statement_of_the_request(
    app: Flask, database_url: str, make_person: Any
) -> None:
    person: Person = make_person("张伟")
    timed = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test", "SERVER_TIMING": True})
    statements: list[str] = []
    with timed.app_context():
        client = sign_in(timed.test_client(), db.session.merge(person))
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        response = client.get("/")
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 200
    match = TIMING.match(response.headers["Server-Timing"])
    assert match, response.headers["Server-Timing"]
    assert float(match.group(1)) > 0
    assert int(match.group(2)) == len(statements) > 0
