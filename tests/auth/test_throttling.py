"""Failed sign-ins are throttled per account and per address; a success clears the account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from okr.auth.models import LoginFailure
from okr.db import utcnow
from okr.extensions import db
from tests.helpers import TEST_PASSWORD, field_error, text

THROTTLED = "Too many failed attempts. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def low_limits(app):
    app.config.update(
        LOGIN_MAX_FAILURES=3, LOGIN_MAX_FAILURES_PER_ADDRESS=5, LOGIN_FAILURE_WINDOW_MINUTES=15
    )


def sign_in(client, email, password=TEST_PASSWORD, address="10.0.0.1"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def fail(client, email, times, address="10.0.0.1"):
    for _ in range(times):
        assert sign_in(client, email, "wrong password", address).status_code == 422


def test_account_is_throttled_after_too_many_failures_even_with_the_right_password(
    app, make_person
):
    make_person(email="zhangyue@example.com")
    client = app.test_client()
    fail(client, "zhangyue@example.com", 3)

    response = sign_in(client, "ZhangYue@Example.com", address="10.9.9.9")  # any address

    assert response.status_code == 429
    assert THROTTLED in text(response)
    assert client.get("/").status_code == 302  # not signed in


def test_below_the_limit_the_right_password_still_works(app, make_person):
    make_person(email="zhangyue@example.com")
    client = app.test_client()
    fail(client, "zhangyue@example.com", 2)

    assert sign_in(client, "zhangyue@example.com").status_code == 302


def test_throttling_one_account_leaves_the_others_alone(app, make_person):
    make_person(email="zhangyue@example.com")
    make_person(email="liuyu@example.com")
    client = app.test_client()
    fail(client, "zhangyue@example.com", 3)

    assert sign_in(client, "liuyu@example.com").status_code == 302


def test_address_is_throttled_after_failures_on_many_accounts(app, make_person):
    make_person(email="zhangyue@example.com")
    client = app.test_client()
    for n in range(5):
        fail(client, f"guess{n}@example.com", 1)

    refused = sign_in(client, "zhangyue@example.com")
    elsewhere = sign_in(app.test_client(), "zhangyue@example.com", address="10.0.0.2")

    assert refused.status_code == 429
    assert THROTTLED in text(refused)
    assert elsewhere.status_code == 302


def test_success_clears_the_accounts_failures(app, make_person):
    make_person(email="zhangyue@example.com")
    fail(app.test_client(), "zhangyue@example.com", 2)
    assert sign_in(app.test_client(), "zhangyue@example.com").status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(func.count(LoginFailure.id))) == 0

    fail(app.test_client(), "zhangyue@example.com", 2)  # 4 in the window without the clearing

    assert sign_in(app.test_client(), "zhangyue@example.com").status_code == 302


def test_failures_are_recorded_for_unknown_accounts_too(app):
    client = app.test_client()
    fail(client, "ghost@example.com", 3)

    response = sign_in(client, "ghost@example.com")

    assert response.status_code == 429


def test_old_failures_fall_out_of_the_window(app, make_person):
    make_person(email="zhangyue@example.com")
    long_ago = utcnow() - timedelta(minutes=16)
    db.session.add_all(
        LoginFailure(email="zhangyue@example.com", address="10.0.0.1", at=long_ago)
        for _ in range(10)
    )
    db.session.commit()

    assert sign_in(app.test_client(), "zhangyue@example.com").status_code == 302


def test_the_wait_counts_from_the_oldest_failure_in_the_window(app, make_person):
    make_person(email="zhangyue@example.com")
    now = utcnow()
    db.session.add_all(
        LoginFailure(
            email="zhangyue@example.com", address="10.1.1.1", at=now - timedelta(minutes=m)
        )
        for m in (10, 5, 1)
    )
    db.session.commit()

    response = sign_in(app.test_client(), "zhangyue@example.com")

    assert response.status_code == 429
    assert "Try again in 5 minutes." in text(response)


def test_a_deactivated_account_is_refused_like_a_wrong_password(app, make_person):
    make_person(email="zhangyue@example.com", active=False)

    response = sign_in(app.test_client(), "zhangyue@example.com")

    assert response.status_code == 422
    assert field_error(response, "password") == "The email or password is not right."
