"""A live server in a thread and Debian's Chromium driven by Playwright.

Browser tests skip when Chromium is missing, unless OKR_TEST_REQUIRE names `browser` (CI).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.helpers import TEST_PASSWORD, unavailable

# CI machines are small and busy: give assertions time to see the page settle, as actions get.
expect.set_options(timeout=15_000)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("OKR_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = _chromium_path()
    if path is None:
        unavailable("browser", "no chromium executable (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        unavailable("browser", f"playwright not installed: {exc}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app (with CSRF on, as in production) on a free port."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def job_worker(live_server: str, job_workers: Any) -> Any:
    """A real `flask jobs worker` beside the live server, on its database and queue, for the
    journeys that start background jobs (a ZIP of records)."""
    job_workers.start()
    return job_workers


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


# htmx marks what it is swapping and settling; new content is processed (its hx-* triggers bound)
# only when settling ends, so typing into content that is still settling loses the trigger.
_HTMX_IDLE = (
    "() => window.htmx !== undefined && document.readyState === 'complete'"
    " && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
)


@pytest.fixture
def settled(page: Any) -> Any:
    """Wait until htmx has loaded and finished every request, swap and settle on the page."""

    def wait() -> Any:
        page.wait_for_function(_HTMX_IDLE)
        return page

    return wait


@pytest.fixture
def sign_in(page: Any) -> Any:
    def sign_in_as(email: str, password: str = TEST_PASSWORD) -> Any:
        page.goto("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        return page

    return sign_in_as
