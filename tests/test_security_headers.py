"""Response headers: a strict Content-Security-Policy, HSTS behind HTTPS, no-store for everything
private; and templates that need no inline script, style or event handler under that policy."""

from __future__ import annotations

import re

import pytest

from okr import ROOT
from tests.factories import build_quarter
from tests.helpers import assert_private, assert_strict, inline_parts, post

STATIC = "/static/css/app.css"


@pytest.fixture
def q(make_department, make_person):
    return build_quarter(make_department, make_person)


@pytest.fixture
def lead(client, login, q):
    return login(q.lead)


def daily_pages(q):
    return [
        "/",
        "/week/",
        f"/okrs/people/{q.seo.id}",
        f"/okrs/objectives/{q.mine.id}",
        f"/okrs/key-results/{q.traffic.id}",
        "/team/",
        "/team/weekly",
        "/alignment/",
        "/account",
    ]


def test_every_page_has_the_strict_policy_and_is_not_stored(lead, q):
    post(lead, q.traffic, "50000")  # a chart with a point
    for path in daily_pages(q):
        response = lead.get(path)
        assert response.status_code == 200, path
        assert_strict(response)
        assert_private(response)


def test_fragments_are_not_stored(lead, q):
    response = post(lead, q.traffic, "50000")  # the check-in's row fragment

    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert_strict(response)
    assert_private(response)
    fragment = lead.get("/people/?q=张", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert_private(fragment)


def test_exports_are_not_stored(client, login, q, admin):
    manager = login(q.lead)
    with manager.get("/team/weekly.xlsx") as xlsx:
        assert xlsx.status_code == 200
        assert_private(xlsx)
    hr = login(admin)
    for fmt in ("csv", "xlsx"):
        with hr.get(f"/people/export.{fmt}") as export:
            assert export.status_code == 200
            assert_private(export)


def test_pages_for_nobody_in_particular_are_not_stored_either(client):
    for response in (client.get("/login"), client.get("/no/such/page"), client.get("/")):
        assert_strict(response)
        assert_private(response)  # the sign-in form carries this browser's CSRF token


def test_static_files_keep_normal_caching(client, login, q):
    login(q.seo)
    with client.get(STATIC) as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers["ETag"]
        assert_strict(response)  # an SVG or HTML file opened directly is held to it too


def test_hsts_only_when_secure_cookies_are_on(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["SECURE_COOKIES"] = True

    for path in ("/login", STATIC):
        with client.get(path) as response:
            hsts = response.headers["Strict-Transport-Security"]
            max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
            assert max_age >= 365 * 24 * 3600
            assert "includeSubDomains" in hsts


def test_other_headers_stay(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


# What the policy forbids, nowhere to be found -----------------------------------------------


def test_daily_pages_have_nothing_inline(lead, q):
    post(lead, q.traffic, "50000")
    for path in daily_pages(q):
        assert inline_parts(lead.get(path).get_data(as_text=True)) == [], path
    response = post(lead, q.traffic, "52000")
    assert inline_parts(response.get_data(as_text=True)) == []


def test_no_template_has_inline_script_style_or_handlers():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        relative = path.relative_to(ROOT)
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source):
            found.append(f"{relative}: inline <script>")
        if re.search(r"\sstyle=", source):
            found.append(f"{relative}: style attribute")
        if re.search(r"\son[a-z]+=", source):
            found.append(f"{relative}: on* handler")
        if re.search(r"(?i)javascript:", source):
            found.append(f"{relative}: javascript: URL")
        if re.search(r"<style(?![^>]*nonce)", source):
            found.append(f"{relative}: <style> without nonce")
    assert found == []


def test_htmx_is_told_not_to_insert_its_style_or_evaluate_code(client):
    html = client.get("/login").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    assert '"includeIndicatorStyles": false' in config
    assert '"allowEval": false' in config
    assert '<script src="/static/js/app.js"></script>' in html
