"""Two real browsers signed in as one person: ending a session in one reaches the other at once,
and a cookie copied before sign-out opens nothing in a third."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from okr.extensions import db
from okr.objectives.models import CheckIn
from tests.factories import build_quarter
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _browser(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-US")
    context.set_default_timeout(15_000)
    return context.new_page()


def _sign_in(page, email, password=TEST_PASSWORD):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def _check_in(page, value):
    row = page.locator(".kr-row", has_text="自然流量")
    row.get_by_label(re.compile("New value")).fill(value)
    row.get_by_label("Note").press("Enter")


def _stored() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(CheckIn))


def test_password_change_in_one_browser_signs_out_the_other(
    page, browser, live_server, make_department, make_person
):
    q = build_quarter(make_department, make_person)
    laptop, phone = page, _browser(browser, live_server)
    _sign_in(laptop, q.seo.email)
    _sign_in(phone, q.seo.email)
    phone.goto("/week/")

    laptop.goto("/account")
    expect(laptop.locator("#sessions tbody tr")).to_have_count(2)
    laptop.get_by_label("Current password").fill(TEST_PASSWORD)
    laptop.get_by_label("New password", exact=True).fill("a longer secret")
    laptop.get_by_label("Repeat new password").fill("a longer secret")
    laptop.get_by_role("button", name="Change password").click()
    expect(laptop.locator(".flash-success")).to_contain_text("Other sessions were signed out.")
    expect(laptop.locator("#sessions tbody tr")).to_have_count(1)

    # The phone's page is still open; its htmx check-in is refused and the window goes to sign in.
    _check_in(phone, "59000")
    expect(phone).to_have_url(re.compile(r"/login\?next=/week/"))
    expect(phone.locator(".flash")).to_contain_text("Please sign in to continue.")
    assert _stored() == 0

    # Signing in again on the phone leads back to My week; the laptop carried on all along.
    phone.get_by_label("Email").fill(q.seo.email)
    phone.get_by_label("Password").fill("a longer secret")
    phone.get_by_role("button", name="Sign in").click()
    expect(phone).to_have_url(re.compile(r"/week/$"))
    laptop.goto("/week/")
    _check_in(laptop, "50000")
    expect(laptop.locator(".kr-row", has_text="自然流量").locator(".saved-badge")).to_be_visible()
    assert _stored() == 1


def test_a_cookie_copied_before_sign_out_opens_nothing(
    page, browser, live_server, make_department, make_person
):
    q = build_quarter(make_department, make_person)
    _sign_in(page, q.seo.email)
    thief = _browser(browser, live_server)
    thief.context.add_cookies(page.context.cookies())
    thief.goto("/week/")
    expect(thief.get_by_role("heading", level=1)).to_contain_text("My week")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))

    thief.goto("/week/")
    expect(thief).to_have_url(re.compile(r"/login\?next=/week/"))
    thief.goto("/account")
    expect(thief).to_have_url(re.compile(r"/login"))


def test_sign_out_everywhere_from_the_account_page(
    page, browser, live_server, make_department, make_person
):
    q = build_quarter(make_department, make_person)
    other = _browser(browser, live_server)
    _sign_in(other, q.seo.email)
    _sign_in(page, q.seo.email)
    page.goto("/account")
    page.once("dialog", lambda dialog: dialog.accept())

    page.get_by_role("button", name="Sign out everywhere").click()

    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator(".flash")).to_contain_text("You have signed out everywhere.")
    other.goto("/")
    expect(other).to_have_url(re.compile(r"/login"))
