"""Cross-cutting web behaviour: CSRF on every write, htmx fragments, errors, headers, config."""

from __future__ import annotations

import re

import pytest

from okr.config import normalise_database_url


@pytest.fixture
def csrf_client(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    return client


def _token(client, path="/login"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


def test_a_write_without_csrf_token_is_refused(csrf_client, make_person, login):
    admin = make_person(is_admin=True)
    login(admin)
    response = csrf_client.post("/departments/new", data={"name": "推广组"})
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)


def test_htmx_write_carries_the_token_in_a_header(csrf_client, make_person, login):
    admin = make_person(is_admin=True)
    login(admin)
    token = _token(csrf_client, "/")
    response = csrf_client.post(
        "/departments/new",
        data={"name": "推广组"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 303


def test_every_page_puts_the_token_in_hx_headers(client, make_person, login):
    login(make_person())
    html = client.get("/").get_data(as_text=True)
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'", html)


def test_sign_in_form_refuses_without_token(csrf_client, make_person):
    make_person(email="a@example.com")
    response = csrf_client.post("/login", data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 400


def test_fragment_request_gets_only_the_block(client, make_person, login):
    login(make_person(is_admin=True))
    full = client.get("/people/")
    fragment = client.get("/people/", headers={"HX-Request": "true"})
    assert "<html" in full.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="people-results"')
    assert "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize(
    "headers",
    [
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ],
    ids=["boosted", "history-restore"],
)
def test_boosted_and_history_restore_requests_get_the_full_page(
    client, make_person, login, headers
):
    login(make_person(is_admin=True))
    assert "<html" in client.get("/people/", headers=headers).get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(client, make_person, login):
    login(make_person())
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "This page does not exist" in response.get_data(as_text=True)


def test_security_headers_are_set(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_htmx_is_vendored_and_served_locally(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'src="/static/vendor/htmx-2.0.11.min.js"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    with client.get("/static/vendor/htmx-2.0.11.min.js") as response:
        assert response.status_code == 200
        assert len(response.data) == 52182


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_uses_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def test_configuration_comes_from_okr_environment_variables(monkeypatch, tmp_path):
    from okr import create_app

    monkeypatch.setenv("OKR_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("OKR_SECRET_KEY", "from-env")
    monkeypatch.setenv("OKR_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("OKR_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("OKR_SECURE_COOKIES", "true")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "en"
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Berlin"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_unknown_default_locale_is_refused(monkeypatch):
    from okr import create_app

    monkeypatch.setenv("OKR_DEFAULT_LOCALE", "fr")
    with pytest.raises(RuntimeError, match="OKR_DEFAULT_LOCALE"):
        create_app({"SECRET_KEY": "x"})
