"""Tokens: shown once and stored hashed; expired, revoked and unknown tokens get 401."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from okr.api.models import ApiToken
from okr.db import utcnow
from okr.extensions import db


def test_a_token_is_stored_only_as_its_hash(world, make_token):
    secret = make_token(world.person, "read")
    stored = db.session.scalars(select(ApiToken)).one()
    assert secret.startswith("okr_pat_") and len(secret) > 40
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.hint, stored.token_hash, stored.name)


def test_no_token_an_unknown_one_an_expired_one_and_a_revoked_one_are_401(world, make_token, api):
    url = "/api/v1/me/objectives"
    expired, revoked = make_token(world.person, "read"), make_token(world.person, "read")
    tokens = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    tokens[0].expires_at = utcnow() - timedelta(seconds=1)
    tokens[1].revoked_at = utcnow()
    db.session.commit()
    for secret in (None, "okr_pat_unknown", expired, revoked, "Basic abc"):
        response = api(secret).get(url)
        assert response.status_code == 401, secret
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="okr"')
        assert response.get_json()["status"] == 401


def test_a_signed_in_browser_is_not_signed_in_to_the_api(world, login):
    client = login(world.person)
    response = client.get("/api/v1/me/objectives")
    assert response.status_code == 401


def test_a_deactivated_owners_token_stops_working(world, make_token, api):
    secret = make_token(world.person, "read")
    assert api(secret).get("/api/v1/me/objectives").status_code == 200
    world.person.active = False
    db.session.commit()
    assert api(secret).get("/api/v1/me/objectives").status_code == 401


def test_last_use_is_noted_at_most_once_a_minute(world, make_token, api):
    secret = make_token(world.person, "read")
    api(secret).get("/api/v1/me/objectives")
    db.session.expire_all()
    first = db.session.scalars(select(ApiToken.last_used_at)).one()
    assert first is not None
    api(secret).get("/api/v1/me/objectives")
    db.session.expire_all()
    assert db.session.scalars(select(ApiToken.last_used_at)).one() == first


def test_the_command_prints_a_token_that_works(world, runner, api):
    result = runner.invoke(
        args=[
            "api-token",
            "create",
            "--email",
            world.hr.email,
            "--name",
            "HR sync",
            "--scope",
            "read",
            "--scope",
            "admin",
            "--days",
            "10",
            "--service",
        ]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert secret.startswith("okr_svc_")
    assert api(secret).get("/api/v1/people").status_code == 200
    token = db.session.scalars(select(ApiToken)).one()
    assert token.scopes == ["read", "admin"] and token.kind == "service"


def test_the_command_refuses_too_long_a_life_and_unknown_people(world, runner):
    too_long = runner.invoke(
        args=[
            "api-token",
            "create",
            "--email",
            world.hr.email,
            "--name",
            "x",
            "--scope",
            "read",
            "--days",
            "9999",
        ]
    )
    assert too_long.exit_code != 0 and "365" in too_long.output
    nobody = runner.invoke(
        args=[
            "api-token",
            "create",
            "--email",
            "nobody@example.com",
            "--name",
            "x",
            "--scope",
            "read",
        ]
    )
    assert nobody.exit_code != 0
    assert db.session.scalars(select(ApiToken)).all() == []
