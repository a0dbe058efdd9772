"""Upload limits: a too-large file gets 413 and a message beside the field; too-long cells and
unreadable lines get a message on their line of the preview. Never a 500, nothing written."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from okr import create_app
from okr.extensions import db
from okr.org.models import ImportBatch
from tests.helpers import (
    EN,
    csv_bytes,
    field_error,
    people_state,
    preview_rows,
    sign_in,
    snapshot,
    text,
    xlsx_bytes,
)
from tests.helpers import upload as _upload

VALID = ["张玥", "zhangyue@example.com", "", "推广组", "", ""]


def upload(client, content: bytes, filename: str = "people.csv"):
    """Upload, then close the body the test client kept in a temporary file (over 500 KB)."""
    response = _upload(client, content, filename)
    response.request.input_stream.close()
    return response


@pytest.fixture
def hr(app, marketing):
    return sign_in(app.test_client(), marketing["admin"])


def test_the_limit_is_10_mb_by_default_and_set_by_okr_max_upload_mb(tmp_path, monkeypatch):
    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path))
    assert create_app({"SECRET_KEY": "x"}).config["MAX_CONTENT_LENGTH"] == 10 * 1024 * 1024
    monkeypatch.setenv("OKR_MAX_UPLOAD_MB", "2.5")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["MAX_CONTENT_LENGTH"] == int(2.5 * 1024 * 1024)
    assert app.config["MAX_FORM_MEMORY_SIZE"] == 1024 * 1024
    assert app.config["MAX_FORM_PARTS"] == 1000
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert "| `OKR_MAX_UPLOAD_MB` | `10` |" in readme


@pytest.mark.parametrize("value", ["0", "-1", '"ten"', "true"])
def test_a_wrong_limit_stops_the_app_from_starting(tmp_path, monkeypatch, value):
    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("OKR_MAX_UPLOAD_MB", value)
    with pytest.raises(RuntimeError, match="OKR_MAX_UPLOAD_MB"):
        create_app({"SECRET_KEY": "x"})


def test_a_50_mb_file_is_refused_with_413_beside_the_file_field(hr):
    before = snapshot()
    content = csv_bytes([["甲", "a@example.com", "", "推广组", "", ""]]) + b"x" * 50_000_000

    response = upload(hr, content)

    assert response.status_code == 413
    assert field_error(response, "file") == (
        "The file is too large: at most 10 MB can be uploaded at a time."
    )
    assert 'enctype="multipart/form-data"' in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_limit_is_shown_beside_the_file_field(hr):
    assert "At most 10 MB." in text(hr.get("/people/import"))


def test_with_csrf_on_the_413_comes_before_the_token_check_and_still_shows_the_form(app, hr):
    app.config.update(WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=1024 * 1024)

    response = upload(hr, b"name,email,department\r\n" + b"x" * 2 * 1024 * 1024)

    assert response.status_code == 413
    assert "at most 1 MB can be uploaded" in field_error(response, "file")
    assert db.session.query(ImportBatch).count() == 0


def test_a_file_just_under_the_limit_is_read(app, hr):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    content = csv_bytes([VALID]) + b"\r\n" * 20_000  # blank lines: about 40 KB

    response = upload(hr, content)

    assert response.status_code == 200, field_error(response, "file")
    assert preview_rows(response)[2] == ("create", [])


def test_someone_not_hr_gets_the_error_page_not_the_import_form(app, make_person):
    app.config["WTF_CSRF_ENABLED"] = True  # so the size is checked before the view's access check
    employee = sign_in(app.test_client(), make_person("张玥"))

    response = upload(employee, b"x" * 11 * 1024 * 1024)

    assert response.status_code == 413
    assert "The file is too large" in text(response)
    assert 'enctype="multipart/form-data"' not in response.get_data(as_text=True)


def test_another_form_over_the_limit_gets_the_error_page(app, hr, marketing):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024

    response = hr.post(f"/people/{marketing['lead'].id}/edit", data={"name": "李" * 500_000})

    assert response.status_code == 413
    assert "The request is too large: at most 1 MB can be sent at a time." in text(response)
    assert 'id="name"' not in response.get_data(as_text=True)


# Lines that cannot be stored -------------------------------------------------------------


def test_a_cell_over_the_csv_modules_limit_is_reported_on_its_line(hr):
    huge = "x" * (csv.field_size_limit() + 1)
    before = people_state()

    response = upload(hr, csv_bytes([VALID, ["乙", "b@example.com", huge, "推广组", "", ""]]))

    assert response.status_code == 422
    rows = preview_rows(response)
    assert rows[2] == ("create", [])
    assert rows[3] == (
        "error",
        [
            "This line cannot be read: a cell is longer than 131,072 characters, "
            'or a quote (") is not closed.'
        ],
    )
    assert "Nothing was imported" in text(response)
    assert people_state() == before


def test_an_unclosed_quote_swallowing_the_file_is_reported_on_its_line(hr):
    rows = [VALID, ['"乙', "b@example.com", "", "推广组", "", ""]]
    content = csv_bytes(rows) + ("\r\n" + "丙,c@example.com,,推广组,," * 10_000).encode()

    response = upload(hr, content)

    assert response.status_code == 422
    action, errors = preview_rows(response)[3]
    assert action == "error" and 'a quote (") is not closed' in errors[0]


def test_a_file_with_old_mac_line_ends_is_read_line_by_line(hr):
    content = csv_bytes([VALID, ["乙", "b@example.com", "", "推广组", "", ""]])

    response = upload(hr, content.replace(b"\r\n", b"\r"))

    assert response.status_code == 200
    assert preview_rows(response) == {2: ("create", []), 3: ("create", [])}


def test_a_nul_character_is_refused_on_its_line(hr):
    content = csv_bytes([["乙", "b@example.com", "", "推广组", "", ""], VALID])

    response = upload(hr, content.replace(b"b@example", b"b\x00@example"))

    assert response.status_code == 422
    rows = preview_rows(response)
    assert rows[2][0] == "error" and "is not an email address" in rows[2][1][0]
    assert rows[3] == ("create", [])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["甲" * 101, "a@example.com", "", "推广组", "", ""], "The name is longer than 100"),
        (["甲", "a@example.com", "专" * 101, "推广组", "", ""], "The position is longer than 100"),
        (["甲", "a" * 250 + "@example.com", "", "推广组", "", ""], "The email is longer than 254"),
        (["甲" * 5000, "a@example.com", "", "推广组", "", ""], "The name is longer than 100"),
    ],
    ids=["name", "position", "email", "name-over-cell-limit"],
)
def test_cells_longer_than_their_column_are_refused_on_their_line(hr, row, message):
    before = people_state()

    response = upload(hr, csv_bytes([row, VALID]))

    assert response.status_code == 422
    action, errors = preview_rows(response)[2]
    assert action == "error"
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert people_state() == before


def test_the_kept_batch_holds_no_more_than_the_cell_limit(hr):
    upload(hr, csv_bytes([["甲" * 100_000, "a@example.com", "", "推广组", "", ""]]))

    batch = db.session.query(ImportBatch).one()
    assert len(batch.rows[0]["name"]) == 1_000


def test_an_xlsx_cell_longer_than_its_column_is_refused_on_its_line(hr):
    response = upload(hr, xlsx_bytes([["甲" * 30_000, "a@example.com", "", "推广组"]]), "p.xlsx")

    assert response.status_code == 422
    assert preview_rows(response)[2] == ("error", ["The name is longer than 100 characters."])


def test_an_xlsx_that_unpacks_to_hundreds_of_megabytes_is_refused(hr, tmp_path):
    out = io.BytesIO(xlsx_bytes([VALID]))
    with (
        zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/padding.bin", "w", force_zip64=True) as padding,
    ):
        for _ in range(201):
            padding.write(bytes(1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024

    response = upload(hr, out.getvalue(), "people.xlsx")

    assert response.status_code == 422
    assert field_error(response, "file") == (
        "This Excel file unpacks to more than 200 MB. Save only the sheet of people and retry."
    )


def test_an_xlsx_with_too_many_rows_stops_reading_at_the_limit(hr):
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(EN)
    for n in range(20_001):
        sheet.append([f"p{n}", f"p{n}@example.com", "", "推广组"])
    out = io.BytesIO()
    book.save(out)

    response = upload(hr, out.getvalue(), "people.xlsx")

    assert response.status_code == 422
    assert field_error(response, "file") == (
        "The file has too many rows; import at most 20,000 at a time."
    )
