"""Signing in and out, throttling, deactivated accounts, password changes."""

from __future__ import annotations

from tests.helpers import TEST_PASSWORD


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data


def test_sign_in_with_right_password_goes_home(client, make_person):
    person = make_person("张玥", email="zhangyue@example.com")
    response = client.post(
        "/login", data={"email": "ZhangYue@Example.com ", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert person.name in home.get_data(as_text=True)


def test_wrong_password_is_refused_with_422_beside_the_field(client, make_person):
    make_person(email="a@example.com")
    response = client.post("/login", data={"email": "a@example.com", "password": "nope"})
    assert response.status_code == 422
    assert "The email or password is not right." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_message(client):
    response = client.post("/login", data={"email": "ghost@example.com", "password": "whatever"})
    assert response.status_code == 422
    assert "The email or password is not right." in response.get_data(as_text=True)
