"""One commit per request (okr/unit_of_work.py): what a request, a command and a GET may keep."""

from __future__ import annotations

import ast
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Blueprint, Flask, abort
from sqlalchemy import func, select, update

from okr import create_app
from okr.auth.models import LoginFailure
from okr.extensions import db
from okr.org.models import Department
from okr.reviews.models import ReviewTemplate
from okr.unit_of_work import (
    WriteOnSafeRequest,
    commit_even_on_error,
    unit_of_work,
)
from tests.helpers import TEST_PASSWORD

OKR = Path(__file__).resolve().parent.parent / "okr"


def test_only_the_unit_of_work_module_commits():
    offenders = []
    for path in sorted(OKR.rglob("*.py")):
        relative = path.relative_to(OKR).as_posix()
        if relative == "unit_of_work.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), relative)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit"
            ):
                offenders.append(f"okr/{relative}:{node.lineno}")
    assert offenders == []


def _departments() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(Department.name).order_by(Department.name)))


@pytest.fixture
def probe(app: Flask, database_url: str) -> Iterator[Flask]:
    """An app of its own with routes that write, then answer as asked (the shared app cannot
    take new routes once it has served)."""
    probe_app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
        }
    )
    bp = Blueprint("probe", __name__)

    def write(name: str) -> None:
        db.session.add(Department(name=name))
        db.session.flush()

    @bp.route("/write/<int:status>", methods=["GET", "POST"])
    def written(status: int) -> tuple[str, int]:
        write(f"status {status}")
        return "", status

    @bp.post("/keep")
    def keep() -> tuple[str, int]:
        write("kept")
        commit_even_on_error()
        return "", 422

    @bp.post("/abort")
    def aborted() -> str:
        write("aborted")
        abort(403)

    @bp.post("/raise")
    def raised() -> str:
        write("raised")
        raise RuntimeError("boom")

    @bp.get("/pending")
    def pending() -> str:
        db.session.add(Department(name="pending"))  # not even flushed
        return ""

    @bp.get("/statement")
    def statement() -> str:
        db.session.execute(update(Department).values(name="renamed"))
        return ""

    @bp.post("/nested")
    def nested() -> str:
        with unit_of_work():
            write("nested")
        return ""

    probe_app.register_blueprint(bp)
    yield probe_app
    with probe_app.app_context():
        db.engine.dispose()


def request_arg(name: str) -> str:
    from flask import request

    return request.args[name]


@pytest.mark.parametrize("status", [200, 303])
def test_a_write_request_that_succeeds_is_committed(probe, status):
    assert probe.test_client().post(f"/write/{status}").status_code == status
    assert _departments() == [f"status {status}"]


@pytest.mark.parametrize("path", ["/write/422", "/write/409", "/abort"])
def test_a_write_request_that_answers_an_error_keeps_nothing(probe, path):
    assert probe.test_client().post(path).status_code >= 400
    assert _departments() == []


def test_an_exception_keeps_nothing(probe):
    with pytest.raises(RuntimeError, match="boom"):
        probe.test_client().post("/raise")
    assert _departments() == []


def test_commit_even_on_error_keeps_the_writes_of_a_refusal(probe):
    assert probe.test_client().post("/keep").status_code == 422
    assert _departments() == ["kept"]


@pytest.mark.parametrize("path", ["/write/200", "/pending", "/statement"])
def test_a_get_that_writes_raises_under_testing_and_keeps_nothing(probe, path):
    db.session.add(Department(name="before"))
    db.session.commit()
    with pytest.raises(WriteOnSafeRequest):
        probe.test_client().get(path)
    assert _departments() == ["before"]


def test_in_production_a_get_that_writes_is_logged_and_kept_nowhere(probe, caplog):
    probe.testing = False
    with caplog.at_level(logging.ERROR, logger="okr.unit_of_work"):
        assert probe.test_client().get("/write/200").status_code == 200
    assert "GET /write/200 wrote to the database" in caplog.text
    assert _departments() == []


def test_a_request_cannot_open_a_unit_of_work_of_its_own(probe):
    with pytest.raises(RuntimeError, match="commits once"):
        probe.test_client().post("/nested")
    assert _departments() == []


def test_a_command_commits_its_block_or_nothing(app):
    with pytest.raises(ValueError), unit_of_work():
        db.session.add(Department(name="refused"))
        db.session.flush()
        raise ValueError
    assert _departments() == []
    with unit_of_work():
        db.session.add(Department(name="done"))
    assert _departments() == ["done"]


# The real pages --------------------------------------------------------------------------------


def test_a_refused_form_keeps_nothing_and_a_valid_one_is_committed(admin, login):
    client = login(admin)
    before = _departments()
    refused = client.post("/departments/new", data={"name": "x" * 101, "parent_id": ""})
    assert refused.status_code == 422
    assert _departments() == before
    saved = client.post("/departments/new", data={"name": "新部门", "parent_id": ""})
    assert saved.status_code == 303
    assert "新部门" in _departments()


def test_a_failed_sign_in_is_kept_for_throttling_though_the_form_answers_422(client, admin):
    response = client.post("/login", data={"email": admin.email, "password": "wrong"})
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 1
    signed_in = client.post("/login", data={"email": admin.email, "password": TEST_PASSWORD})
    assert signed_in.status_code == 302


def test_opening_a_review_with_no_template_offers_the_load_and_writes_nothing(admin, login):
    client = login(admin)
    page = client.get("/reviews/new")
    assert page.status_code == 200
    assert 'id="no-review-template"' in page.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ReviewTemplate)) == 0
    loaded = client.post("/reviews/templates/load", data={"back": "new-review"})
    assert loaded.status_code == 303 and loaded.headers["Location"].endswith("/reviews/new")
    assert 'id="no-review-template"' not in client.get("/reviews/new").get_data(as_text=True)
