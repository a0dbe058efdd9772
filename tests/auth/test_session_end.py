"""Ending sessions on the server: a cookie copied before sign-out, a password change or a
deactivation reads nothing and writes nothing afterwards; the account page's session list."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import func, select, update

from okr.auth.models import LoginSession
from okr.auth.sessions import describe_agent
from okr.db import utcnow
from okr.extensions import db
from tests.factories import build_quarter
from tests.helpers import HTMX, TEST_PASSWORD, check_in_url, flashes, post, snapshot, text

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def q(make_department, make_person):
    return build_quarter(make_department, make_person)


def browser(app, person, user_agent=CHROME_ON_WINDOWS):
    """A client that signs in through the form, as a browser does."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    response = client.post("/login", data={"email": person.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, text(response)
    return client


def copy_of(app, client):
    """Another client holding a copy of the client's session cookie (a stolen or kept cookie)."""
    cookie = client.get_cookie("session")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def daily_pages(q):
    return ["/", "/week/", "/okrs/", f"/okrs/key-results/{q.traffic.id}", "/account"]


def assert_signed_in(client, q):
    for path in daily_pages(q):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert response.request.path != "/login", path


def assert_refused(client, q):
    """Every page sends the cookie's holder to sign in, and a check-in stores nothing."""
    for path in daily_pages(q):
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlsplit(response.headers["Location"]).path == "/login", path
    before = snapshot("check_in", "key_result", "objective")
    for htmx in (True, False):
        response = post(client, q.traffic, "59000", htmx=htmx)
        assert response.status_code in (302, 401)
        assert "/login" in response.headers.get("Location", response.headers.get("HX-Redirect"))
    assert snapshot("check_in", "key_result", "objective") == before


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, q):
    me = browser(app, q.seo)
    kept = copy_of(app, me)
    assert_signed_in(kept, q)

    assert me.post("/logout").status_code == 302

    assert_refused(kept, q)
    assert_refused(me, q)
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_sign_out_ends_only_that_browser(app, q):
    here, there = browser(app, q.seo), browser(app, q.seo, SAFARI_ON_IPHONE)

    here.post("/logout")

    assert_refused(here, q)
    assert_signed_in(there, q)


def test_password_change_ends_the_other_sessions_and_keeps_this_one(app, q):
    here, there = browser(app, q.seo), browser(app, q.seo, SAFARI_ON_IPHONE)
    kept_here, kept_there = copy_of(app, here), copy_of(app, there)

    response = here.post(
        "/account/password",
        data={
            "pw-current": TEST_PASSWORD,
            "pw-new": "a longer secret",
            "pw-confirm": "a longer secret",
        },
    )

    assert response.status_code == 302
    assert_signed_in(here, q)
    assert_signed_in(kept_here, q)  # the same session as here: not another one
    assert_refused(there, q)
    assert_refused(kept_there, q)
    assert post(here, q.traffic, "59000").status_code == 200


def test_deactivation_by_hr_ends_every_session_and_reactivation_revives_none(app, q, admin):
    here, there = browser(app, q.seo), browser(app, q.seo, SAFARI_ON_IPHONE)
    kept = copy_of(app, here)
    hr = browser(app, admin)

    response = hr.post(f"/people/{q.seo.id}/active", data={"version": str(q.seo.version)})
    assert response.status_code == 303

    for client in (here, there, kept):
        assert_refused(client, q)
    db.session.refresh(q.seo)
    assert (
        hr.post(f"/people/{q.seo.id}/active", data={"version": str(q.seo.version)}).status_code
        == 303
    )
    for client in (here, there, kept):
        assert_refused(client, q)
    assert_signed_in(browser(app, q.seo), q)


def test_a_remember_cookie_copied_before_sign_out_is_refused_after_it(app, q):
    me = browser(app, q.seo)
    with me.session_transaction() as session:
        token = session["_user_id"]
    remembered = app.test_client()
    remembered.set_cookie("remember_token", encode_cookie(token))
    assert remembered.get("/week/").status_code == 200  # Flask-Login's remember path works

    me.post("/logout")

    fresh = app.test_client()
    fresh.set_cookie("remember_token", encode_cookie(token))
    assert_refused(fresh, q)
    assert_refused(remembered, q)


def test_the_database_keeps_only_a_hash_of_the_token(app, q):
    me = browser(app, q.seo)
    with me.session_transaction() as session:
        token = session["_user_id"]

    record = db.session.scalars(select(LoginSession)).one()
    assert record.person_id == q.seo.id
    assert len(token) >= 40 and token not in repr(snapshot("login_session"))


def test_a_session_idle_longer_than_the_limit_ends(app, q):
    app.config["SESSION_IDLE_HOURS"] = 12
    me = browser(app, q.seo)
    db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(hours=11)))
    db.session.commit()
    assert me.get("/").status_code == 200  # used again: the clock restarts
    db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(hours=13)))
    db.session.commit()

    assert_refused(me, q)
    browser(app, q.peer)  # the next sign-in clears ended sessions away
    assert db.session.scalars(select(LoginSession.person_id)).all() == [q.peer.id]


def test_use_is_noted_every_few_minutes_not_on_every_request(app, q, count_queries):
    me = browser(app, q.seo)
    record = db.session.scalars(select(LoginSession)).one()
    signed_in_at = record.last_seen_at

    with count_queries() as queries:
        me.get("/account")
    db.session.expire_all()
    assert record.last_seen_at == signed_in_at
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in queries.statements)

    long_ago = utcnow() - timedelta(minutes=6)
    db.session.execute(update(LoginSession).values(last_seen_at=long_ago))
    db.session.commit()
    me.get("/account")
    db.session.expire_all()
    assert record.last_seen_at > long_ago + timedelta(minutes=5)


# The account page ------------------------------------------------------------------------


def test_account_page_lists_my_sessions_and_marks_this_one(app, q):
    browser(app, q.peer)  # someone else's session is not listed
    there = browser(app, q.seo, SAFARI_ON_IPHONE)
    here = browser(app, q.seo)

    page = text(here.get("/account"))

    assert page.count('<tr id="session-') == 2
    assert "Chrome on Windows" in page and "Safari on iOS" in page
    mine = db.session.scalars(select(LoginSession).where(LoginSession.person_id == q.seo.id))
    here_id, there_id = sorted(s.id for s in mine)[::-1]
    row = page.split(f'<tr id="session-{here_id}">')[1].split("</tr>")[0]
    assert "This browser" in row and "<form" not in row
    row = page.split(f'<tr id="session-{there_id}">')[1].split("</tr>")[0]
    assert f'action="/account/sessions/{there_id}/end"' in row
    assert there.get("/").status_code == 200


def test_account_page_queries_do_not_grow_with_sessions(app, q, count_queries):
    here = browser(app, q.seo)
    with count_queries() as one:
        assert here.get("/account").status_code == 200
    for _ in range(5):
        browser(app, q.seo, SAFARI_ON_IPHONE)
    with count_queries() as six:
        assert here.get("/account").status_code == 200
    assert six.count == one.count


def test_signing_out_another_session_from_the_account_page(app, q):
    there = browser(app, q.seo, SAFARI_ON_IPHONE)
    here = browser(app, q.seo)
    there_id = min(db.session.scalars(select(LoginSession.id)))

    response = here.post(f"/account/sessions/{there_id}/end")

    assert response.status_code == 303
    assert response.headers["Location"] == "/account"
    assert "That session was signed out." in flashes(here.get("/account"))
    assert_refused(there, q)
    assert_signed_in(here, q)


def test_nobody_ends_someone_elses_session(app, q):
    theirs = browser(app, q.peer)
    me = browser(app, q.seo)
    their_id = db.session.scalars(
        select(LoginSession.id).where(LoginSession.person_id == q.peer.id)
    ).one()
    before = snapshot("login_session")

    assert me.post(f"/account/sessions/{their_id}/end").status_code == 404
    assert me.post("/account/sessions/999999/end").status_code == 404

    assert snapshot("login_session") == before
    assert theirs.get("/week/").status_code == 200


def test_sign_out_everywhere_ends_this_session_too(app, q):
    there = browser(app, q.seo, SAFARI_ON_IPHONE)
    here = browser(app, q.seo)
    other = browser(app, q.peer)
    kept = copy_of(app, here)

    response = here.post("/account/sessions/end")

    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert "You have signed out everywhere." in flashes(here.get("/login"))
    for client in (here, there, kept):
        assert_refused(client, q)
    assert other.get("/").status_code == 200


def test_ending_this_session_from_the_list_signs_out(app, q):
    here = browser(app, q.seo)
    here_id = db.session.scalars(select(LoginSession.id)).one()

    response = here.post(f"/account/sessions/{here_id}/end")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert_refused(here, q)


def test_hr_setting_their_own_password_keeps_their_session(app, q, admin):
    hr = browser(app, admin)
    elsewhere = browser(app, admin, SAFARI_ON_IPHONE)
    data = {
        "name": admin.name,
        "email": admin.email,
        "position": admin.position,
        "department_id": str(admin.department_id),
        "manager_email": "",
        "is_admin": "y",
        "version": str(admin.version),
        "password": "a new admin secret",
    }

    assert hr.post(f"/people/{admin.id}/edit", data=data).status_code == 303

    assert hr.get("/people/").status_code == 200
    assert elsewhere.get("/people/").status_code == 302


# htmx requests of an ended session -------------------------------------------------------


def test_htmx_request_of_an_ended_session_sends_the_window_to_sign_in(app, q):
    me = browser(app, q.seo)
    kept = copy_of(app, me)
    me.post("/logout")

    response = kept.post(
        check_in_url(q.traffic),
        data={"value": "59000", "confidence": "on_track", "version": str(q.traffic.version)},
        headers={**HTMX, "HX-Current-URL": "http://localhost/week/?cycle=3"},
    )

    assert response.status_code == 401
    target = urlsplit(response.headers["HX-Redirect"])
    assert target.path == "/login"
    assert parse_qs(target.query) == {"next": ["/week/?cycle=3"]}
    assert response.get_data() == b""


def test_boosted_navigation_of_an_ended_session_returns_to_the_page_asked_for(app, q):
    response = app.test_client().get(
        "/okrs/", headers={**HTMX, "HX-Boosted": "true", "HX-Current-URL": "http://localhost/week/"}
    )

    assert response.status_code == 401
    assert parse_qs(urlsplit(response.headers["HX-Redirect"]).query) == {"next": ["/okrs/"]}


# Naming the browser ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (CHROME_ON_WINDOWS, "Chrome on Windows"),
        (SAFARI_ON_IPHONE, "Safari on iOS"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
            "Edge on macOS",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox on Linux",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47",
            "WeChat on Android",
        ),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_browser_names_are_short(app, agent, name):
    with app.test_request_context():
        assert describe_agent(agent) == name
