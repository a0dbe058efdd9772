"""The account page's timezone list in a real Chromium: typing narrows the list as you type."""

from __future__ import annotations

from playwright.sync_api import expect

from okr.extensions import db
from okr.org.models import Person


def test_typing_a_city_narrows_the_list_and_the_choice_is_saved(page, sign_in, make_person):
    person = make_person("张玥", email="zhangyue@example.com")
    sign_in("zhangyue@example.com")
    page.goto("/account")
    options = page.locator("#prefs-timezone option")
    expect(options.nth(1)).to_have_attribute("value", "Asia/Shanghai")
    page.evaluate(
        "() => { window.__settled = false; document.body.addEventListener('htmx:afterSettle',"
        " () => { window.__settled = true; }, { once: true }); }"
    )
    page.get_by_label("Find a timezone").fill("London")
    page.wait_for_function("() => window.__settled === true")
    expect(options).to_have_count(2)  # the company's timezone and London
    expect(page.locator("#timezone-matches")).to_contain_text("1 timezone matches “London”.")
    expect(page.get_by_label("Find a timezone")).to_be_focused()  # typing is not interrupted
    page.get_by_label("Timezone", exact=True).select_option("Europe/London")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status").or_(page.locator(".flash-success"))).to_contain_text(
        "Your preferences are saved."
    )
    db.session.expire_all()
    assert db.session.get(Person, person.id).timezone == "Europe/London"
