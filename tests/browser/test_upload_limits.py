"""A file over the upload limit, in a real Chromium: the form comes back with the reason."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from okr.extensions import db
from okr.org.models import ImportBatch

pytestmark = pytest.mark.browser


def test_a_file_over_the_limit_shows_why_beside_the_file_field(
    app, page, make_person, sign_in, tmp_path
):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    make_person("林慧", email="linhui@example.com", is_admin=True)
    big = tmp_path / "people.csv"
    big.write_bytes(b"name,email,department\n" + b"x" * 20 * 1024 * 1024)
    sign_in("linhui@example.com")
    page.locator("summary", has_text="Administration").click()  # HR's pages sit under it
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.locator(".field")).to_contain_text("At most 1 MB.")

    page.get_by_label("File").set_input_files(str(big))
    page.get_by_role("button", name="Check the file").click()

    expect(page.locator("#file-error")).to_have_text(
        "The file is too large: at most 1 MB can be uploaded at a time."
    )
    expect(page.get_by_label("File")).to_have_attribute("aria-invalid", "true")
    assert db.session.query(ImportBatch).count() == 0
