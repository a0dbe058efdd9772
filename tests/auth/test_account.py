"""The account page: changing the password (signs out other sessions) and preferences."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from okr.extensions import db
from okr.org.models import Person
from tests.helpers import TEST_PASSWORD, field_error, flashes, form_values, sign_in


def stored(person_id: int) -> Person:
    db.session.rollback()
    return db.session.get(Person, person_id)


@pytest.fixture
def person(make_person):
    return make_person("张玥", email="zhangyue@example.com")


@pytest.fixture
def me(app, person):
    return sign_in(app.test_client(), person)


def change(client, current=TEST_PASSWORD, new="a longer secret", confirm=None):
    return client.post(
        "/account/password",
        data={
            "pw-current": current,
            "pw-new": new,
            "pw-confirm": new if confirm is None else confirm,
        },
    )


def test_account_page_shows_both_forms(me):
    response = me.get("/account")

    assert response.status_code == 200
    values = form_values(response)
    assert "prefs-locale" in values and "prefs-timezone" in values
    assert "pw-current" in values and "pw-new" in values and "pw-confirm" in values


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"current": "not my password"}, "pw-current", "The current password is not right."),
        ({"current": ""}, "pw-current", "Enter your current password."),
        ({"confirm": "another secret"}, "pw-confirm", "The two new passwords differ."),
        ({"new": "short", "confirm": "short"}, "pw-new", "Use at least 8 characters."),
        ({"new": "", "confirm": ""}, "pw-new", "Enter a new password."),
    ],
)
def test_refused_password_change_says_why_beside_the_field(me, person, changes, field, message):
    old_hash = person.password_hash

    response = change(me, **changes)

    assert response.status_code == 422
    assert field_error(response, field) == message
    assert stored(person.id).password_hash == old_hash
    assert me.get("/").status_code == 200


def test_password_change_keeps_this_session_and_ends_the_others(app, me, person):
    elsewhere = sign_in(app.test_client(), person)
    assert elsewhere.get("/").status_code == 200

    response = change(me)

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert "Your password is changed. Other sessions were signed out." in flashes(
        me.get("/account")
    )
    assert me.get("/").status_code == 200
    gone = elsewhere.get("/")
    assert gone.status_code == 302
    assert gone.headers["Location"].startswith("/login")
    assert check_password_hash(stored(person.id).password_hash, "a longer secret")


def test_after_a_change_only_the_new_password_signs_in(app, me):
    change(me)
    client = app.test_client()

    old = client.post("/login", data={"email": "zhangyue@example.com", "password": TEST_PASSWORD})
    new = client.post(
        "/login", data={"email": "zhangyue@example.com", "password": "a longer secret"}
    )

    assert old.status_code == 422
    assert new.status_code == 302


def test_preferences_are_saved_on_the_person(me, person):
    response = me.post(
        "/account/preferences", data={"prefs-locale": "zh", "prefs-timezone": "Europe/Berlin"}
    )

    assert response.status_code == 302
    saved = stored(person.id)
    assert (saved.locale, saved.timezone) == ("zh", "Europe/Berlin")
    page = me.get("/account", headers={"Accept-Language": "en"})
    assert '<html lang="zh-CN"' in page.get_data(as_text=True)
    assert form_values(page)["prefs-timezone"] == "Europe/Berlin"


def test_empty_preferences_follow_the_browser_and_company(me, person):
    person.locale, person.timezone = "zh", "Europe/Berlin"
    db.session.commit()

    response = me.post("/account/preferences", data={"prefs-locale": "", "prefs-timezone": ""})

    assert response.status_code == 302
    saved = stored(person.id)
    assert (saved.locale, saved.timezone) == (None, None)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"prefs-locale": "en", "prefs-timezone": "Mars/Olympus_Mons"}, "prefs-timezone"),
        ({"prefs-locale": "fr", "prefs-timezone": "UTC"}, "prefs-locale"),
    ],
)
def test_preferences_must_come_from_the_lists(me, person, data, field):
    response = me.post("/account/preferences", data=data)

    assert response.status_code == 422
    assert field_error(response, field) == "Not a valid choice."
    saved = stored(person.id)
    assert (saved.locale, saved.timezone) == (None, None)
