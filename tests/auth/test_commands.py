"""`flask create-admin` (the first HR administrator) and `flask demo load --if-empty`."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from okr.extensions import db
from okr.org.models import Company, Department, Person
from tests.helpers import snapshot


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """The demo hashes 15 passwords; a cheap method keeps the suite fast (any method verifies)."""
    cheap = partial(generate_password_hash, method="pbkdf2:sha256:1000")
    monkeypatch.setattr("okr.org.services.generate_password_hash", cheap)


def create_admin(runner, email="HR@Example.com", name="林慧", password="first admin pw", *extra):
    args = ["create-admin", "--email", email, "--name", name, "--password", password, *extra]
    return runner.invoke(args=args)


def test_create_admin_makes_an_admin_who_can_sign_in(app, runner):
    result = create_admin(runner)

    assert result.exit_code == 0, result.output
    assert "Administrator hr@example.com created." in result.output
    db.session.rollback()
    person = db.session.scalars(select(Person)).one()
    assert (person.name, person.email, person.is_admin, person.active) == (
        "林慧",
        "hr@example.com",
        True,
        True,
    )
    department = db.session.get(Department, person.department_id)
    assert (department.name, department.parent_id) == ("人力资源部", None)
    assert db.session.scalar(select(func.count(Company.id))) == 1
    assert person.password_hash and "first admin pw" not in person.password_hash
    client = app.test_client()
    signed_in = client.post(
        "/login", data={"email": "hr@example.com", "password": "first admin pw"}
    )
    assert signed_in.status_code == 302
    assert client.get("/departments/").status_code == 200


def test_create_admin_reuses_an_existing_department(runner, make_department):
    hr = make_department("人事部")

    result = create_admin(
        runner, "hr@example.com", "林慧", "first admin pw", "--department", "人事部"
    )

    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert db.session.scalars(select(Person)).one().department_id == hr.id
    assert db.session.scalar(select(func.count(Department.id))) == 1


def test_create_admin_refuses_a_duplicate_email_clearly(runner, make_person):
    make_person("张玥", email="hr@example.com")
    before = snapshot()

    result = create_admin(runner, email="HR@example.COM")

    assert result.exit_code == 1
    assert "Another person already uses this email address." in result.output
    assert "Traceback" not in result.output
    assert snapshot() == before


def test_create_admin_refuses_a_short_password(runner):
    before = snapshot()

    result = create_admin(runner, password="short")

    assert result.exit_code == 1
    assert "Use at least 8 characters." in result.output
    assert snapshot() == before


def test_create_admin_refuses_a_bad_email(runner):
    before = snapshot()

    result = create_admin(runner, email="not an email")

    assert result.exit_code == 1
    assert "Enter an email address." in result.output
    assert snapshot() == before


def test_demo_loads_once_with_if_empty_and_its_people_can_sign_in(app, runner):
    first = runner.invoke(args=["demo", "load", "--if-empty"])

    assert first.exit_code == 0, first.output
    assert "linhui@example.com" in first.output
    loaded = snapshot("company", "department", "person")
    assert (len(loaded["company"]), len(loaded["department"]), len(loaded["person"])) == (1, 6, 15)

    second = runner.invoke(args=["demo", "load", "--if-empty"])

    assert second.exit_code == 0
    assert "The database already has people; the demo was not loaded again." in second.output
    assert snapshot("company", "department", "person") == loaded

    people = {p.email: p for p in db.session.scalars(select(Person))}
    assert people["linhui@example.com"].is_admin
    assert not people["wangzhiyuan@example.com"].is_admin
    assert people["zhangyue@example.com"].manager_id == people["lizhe@example.com"].id
    assert people["lizhe@example.com"].manager_id == people["wangzhiyuan@example.com"].id
    client = app.test_client()
    login = client.post("/login", data={"email": "zhangyue@example.com", "password": "demo1234"})
    assert login.status_code == 302
    assert client.get(f"/people/{people['wangzhiyuan@example.com'].id}").status_code == 403
