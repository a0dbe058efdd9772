"""API fixtures: tokens for people of a world, and a client that sends one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from okr.api.tokens import create_token
from okr.extensions import db
from okr.org.models import Person
from tests.factories import World, build_world


@pytest.fixture
def world(app, make_person, make_department) -> World:
    return build_world(make_person, make_department)


@pytest.fixture
def make_token(app) -> Callable[..., str]:
    """`make_token(person, "read", "checkin", days=30)` -> the secret (committed)."""

    def make(person: Person, *scopes: str, days: int = 30, kind: str = "personal") -> str:
        _token, secret = create_token(person, "test", list(scopes or ("read",)), days, kind)
        db.session.commit()
        return secret

    return make


@pytest.fixture
def api(client) -> Callable[..., Any]:
    """`api(secret).get(url)`: the test client sending the token as a Bearer."""

    class Authed:
        def __init__(self, secret: str | None, language: str | None) -> None:
            self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}
            if language:
                self.headers["Accept-Language"] = language

        def get(self, url: str, **kw: Any) -> Any:
            return client.get(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

        def post(self, url: str, **kw: Any) -> Any:
            return client.post(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def make(secret: str | None, language: str | None = "en") -> Authed:
        return Authed(secret, language)

    return make
