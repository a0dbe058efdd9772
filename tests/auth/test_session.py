"""Sessions: cookie flags, signing out, and where signing in leads (local paths only)."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from okr import create_app
from tests.helpers import TEST_PASSWORD


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    return cookies[0]


def test_session_cookie_is_http_only_and_same_site_lax(client, make_person):
    make_person(email="zhangyue@example.com")

    response = client.post(
        "/login", data={"email": "zhangyue@example.com", "password": TEST_PASSWORD}
    )

    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(monkeypatch, database_url, app, make_person):
    make_person(email="zhangyue@example.com")
    monkeypatch.setenv("OKR_SECURE_COOKIES", "true")
    secure = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
        }
    )
    try:
        response = secure.test_client().post(
            "/login", data={"email": "zhangyue@example.com", "password": TEST_PASSWORD}
        )
    finally:
        with secure.app_context():
            from okr.extensions import db

            db.engine.dispose()

    assert response.status_code == 302
    cookie = _session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert secure.config["REMEMBER_COOKIE_SECURE"] is True


def test_sign_out_ends_the_session(client, make_person):
    make_person(email="zhangyue@example.com")
    client.post("/login", data={"email": "zhangyue@example.com", "password": TEST_PASSWORD})
    assert client.get("/").status_code == 200

    response = client.post("/logout")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_signed_in_person_visiting_sign_in_goes_home(client, make_person):
    make_person(email="zhangyue@example.com")
    client.post("/login", data={"email": "zhangyue@example.com", "password": TEST_PASSWORD})

    response = client.get("/login")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_returns_to_the_page_asked_for(client, make_person):
    make_person(email="zhangyue@example.com")
    asked = client.get("/people/?q=张")
    location = urlsplit(asked.headers["Location"])
    assert (location.path, parse_qs(location.query)) == ("/login", {"next": ["/people/?q=张"]})

    response = client.post(
        asked.headers["Location"], data={"email": "zhangyue@example.com", "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert unquote(response.headers["Location"]) == "/people/?q=张"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\\/evil.example/",
        "/\t/evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "people/",
        "",
    ],
)
def test_sign_in_ignores_a_next_that_leaves_the_site(client, make_person, target):
    make_person(email="zhangyue@example.com")

    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "zhangyue@example.com", "password": TEST_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
