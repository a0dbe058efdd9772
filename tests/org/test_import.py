"""Importing people from CSV and XLSX: encodings, preview, per-row errors, all or nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from okr.extensions import db
from okr.org.models import ImportBatch, Person
from tests.helpers import (
    EN,
    ZH_COLUMNS,
    csv_bytes,
    field_error,
    flashes,
    form_values,
    people_rows,
    people_state,
    preview_rows,
    sign_in,
    snapshot,
    text,
    upload,
    xlsx_bytes,
)


def _row(name="新人", email="new@example.com", department="推广组", manager="", admin=""):
    return [name, email, "", department, manager, admin]


VALID_SUMMARY = "Every row is valid: 4 to add, 1 to update, 1 unchanged."


def confirm(client, response):
    return client.post(
        "/people/import/confirm", data={"batch_id": form_values(response)["batch_id"]}
    )


@pytest.fixture
def hr(app, marketing):
    return sign_in(app.test_client(), marketing["admin"])


# Reading the file -----------------------------------------------------------------------


@pytest.mark.parametrize("header", [ZH_COLUMNS, EN], ids=["zh-header", "en-header"])
@pytest.mark.parametrize(
    ("encoding", "newcomer"),
    [("utf-8", "刘䶮"), ("utf-8-sig", "刘䶮"), ("gbk", "刘彧"), ("gb18030", "刘䶮")],
)
def test_csv_in_any_encoding_excel_saves_previews_without_writing(hr, header, encoding, newcomer):
    content = csv_bytes(people_rows(newcomer), header=header, encoding=encoding)
    before = people_state()

    response = upload(hr, content)

    assert response.status_code == 200
    body = text(response)
    assert VALID_SUMMARY in body
    assert newcomer in body and "孙燊" in body  # decoded, not mojibake
    assert {action for action, _e in preview_rows(response).values()} == {
        "create",
        "update",
        "unchanged",
    }
    assert preview_rows(response)[7] == ("update", [])
    assert "changes position" in body
    assert people_state() == before


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_csv_with_another_separator(hr, delimiter):
    response = upload(hr, csv_bytes(people_rows(), header=ZH_COLUMNS, delimiter=delimiter))

    assert response.status_code == 200
    assert VALID_SUMMARY in text(response)


def test_quoted_cells_keep_their_separators(hr):
    content = (
        'name,email,position,department\r\n"Zhang, Yue",zy@example.com,"SEO; SEM",推广组\r\n'
    ).encode()

    response = upload(hr, content)

    assert response.status_code == 200
    assert "Zhang, Yue" in text(response)
    confirm(hr, response)
    person = db.session.scalars(select(Person).where(Person.email == "zy@example.com")).one()
    assert (person.name, person.position) == ("Zhang, Yue", "SEO; SEM")


@pytest.mark.parametrize("header", [ZH_COLUMNS, EN], ids=["zh-header", "en-header"])
def test_xlsx_previews_without_writing(hr, header):
    before = people_state()

    response = upload(hr, xlsx_bytes(people_rows(), header=header), "people.xlsx")

    assert response.status_code == 200
    assert VALID_SUMMARY in text(response)
    assert people_state() == before


def test_xlsx_cells_that_are_not_text_are_read_as_text(hr):
    rows = [["张玥", "zhangyue@example.com", 2024, "推广组", None, False]]

    response = upload(hr, xlsx_bytes(rows), "people.xlsx")

    assert response.status_code == 200
    confirm(hr, response)
    person = db.session.scalars(select(Person).where(Person.email == "zhangyue@example.com")).one()
    assert (person.position, person.manager_id, person.is_admin) == ("2024", None, False)


def test_headers_are_matched_loosely_and_other_columns_ignored(hr):
    content = "备注, Name ,EMAIL,部门\r\nx,张玥,zhangyue@example.com,推广组\r\n".encode()

    response = upload(hr, content)

    assert response.status_code == 200
    assert "Every row is valid: 1 to add, 0 to update, 0 unchanged." in text(response)


# Errors for the whole file --------------------------------------------------------------


def _damaged_sheet_xlsx() -> bytes:
    """A valid zip and workbook whose sheet XML is cut short (openpyxl parses it lazily)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([_row()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            damaged.writestr(item, data)
    return out.getvalue()


def _empty_xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "people.csv", "The file is empty."),
        (b"\r\n,,,\r\n", "people.csv", "The file is empty."),
        (_empty_xlsx(), "people.xlsx", "The file is empty."),
        (b"PK\x03\x04 not really a zip", "people.xlsx", "This Excel file cannot be read."),
        (b"name,email,department\r\n", "people.xlsx", "This Excel file cannot be read."),
        (xlsx_bytes([["a"]])[:200], "people.xlsx", "This Excel file cannot be read."),
        (_damaged_sheet_xlsx(), "people.xlsx", "This Excel file cannot be read."),
        (
            "name,email,department\r\n张玥,z@example.com,推广组\r\n".encode("utf-16"),
            "people.csv",
            "The file is neither UTF-8 nor GBK/GB18030 text.",
        ),
        (
            "姓名,职位\r\n张玥,SEO\r\n".encode(),
            "people.csv",
            "The first row must name the columns; missing: email, department.",
        ),
        (b"name,email,department\r\n", "people.txt", "Only .csv and .xlsx files can be imported."),
        (
            b"name,email,department\r\n" + b"a,a@example.com,x\r\n" * 20_001,
            "people.csv",
            "The file has too many rows; import at most 20,000 at a time.",
        ),
    ],
    ids=[
        "empty",
        "blank-rows",
        "empty-xlsx",
        "damaged-xlsx",
        "csv-named-xlsx",
        "truncated-xlsx",
        "damaged-sheet",
        "utf-16",
        "missing-columns",
        "other-type",
        "too-many-rows",
    ],
)
def test_unreadable_file_gets_a_message_beside_the_field(hr, content, filename, message):
    before = snapshot()

    response = upload(hr, content, filename)

    assert response.status_code == 422
    assert message in field_error(response, "file")
    assert snapshot() == before


def test_no_file_chosen(hr):
    response = hr.post("/people/import", data={}, content_type="multipart/form-data")

    assert response.status_code == 422
    assert field_error(response, "file") == "Choose a CSV or Excel file."


def test_header_without_rows_says_so(hr):
    before = people_state()

    response = upload(hr, csv_bytes([]))

    assert response.status_code == 422
    assert "The file has no rows." in text(response)
    assert 'action="/people/import/confirm"' not in response.get_data(as_text=True)
    assert people_state() == before


# Errors in rows -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        ([_row(department="不存在部")], 2, "Unknown department “不存在部”."),
        ([_row(department="")], 2, "Department is empty."),
        ([_row(department="网络营销部 / 内容组 / 不存在")], 2, "Unknown department"),
        (
            [_row(email="a@example.com"), _row(name="甲", email="A@Example.com ")],
            3,
            "The email a@example.com is also on line 2.",
        ),
        (
            [_row(manager="ghost@example.com")],
            2,
            "Manager ghost@example.com not found in the company or in this file.",
        ),
        (
            [
                _row(email="a@example.com", manager="b@example.com"),
                _row(name="乙", email="b@example.com", manager="a@example.com"),
            ],
            2,
            "Manager loop: a@example.com → b@example.com → a@example.com.",
        ),
        (
            [
                _row(email="a@example.com", manager="b@example.com"),
                _row(name="乙", email="b@example.com", manager="a@example.com"),
            ],
            3,
            "Manager loop: b@example.com → a@example.com → b@example.com.",
        ),
        (
            [
                _row(
                    name="王志远",
                    email="wangzhiyuan@example.com",
                    department="网络营销部",
                    manager="lizhe@example.com",
                )
            ],
            2,
            "Manager loop: wangzhiyuan@example.com → lizhe@example.com → wangzhiyuan@example.com.",
        ),
        (
            [_row(email="a@example.com", manager="A@example.com")],
            2,
            "A person cannot be their own manager.",
        ),
        ([_row(name="")], 2, "Name is empty."),
        ([_row(name="   ")], 2, "Name is empty."),
        ([_row(email="not-an-email")], 2, "“not-an-email” is not an email address."),
        ([_row(email="")], 2, "Email is empty."),
        ([_row(admin="maybe")], 2, "HR admin must be yes or no (是/否)."),
    ],
    ids=[
        "unknown-department",
        "empty-department",
        "unknown-path",
        "duplicate-email",
        "manager-not-found",
        "loop-in-file-first",
        "loop-in-file-second",
        "loop-via-company",
        "self-manager",
        "empty-name",
        "blank-name",
        "bad-email",
        "empty-email",
        "bad-admin-flag",
    ],
)
def test_row_errors_are_shown_per_line_and_nothing_is_written(hr, rows, line, message):
    valid = ["张玥", "zhangyue@example.com", "", "推广组", "", ""]
    before = people_state()

    response = upload(hr, csv_bytes([*rows, valid]))

    assert response.status_code == 422
    action, errors = preview_rows(response)[line]
    assert action == "error"
    assert any(message in error for error in errors), errors
    assert preview_rows(response)[len(rows) + 2] == ("create", [])
    assert "Nothing was imported" in text(response)
    assert 'action="/people/import/confirm"' not in response.get_data(as_text=True)
    assert people_state() == before


def test_same_leaf_name_in_two_places_needs_the_full_path(hr, make_department):
    make_department("推广组", parent=make_department("品牌部"))

    response = upload(hr, csv_bytes([_row(department="推广组")]))

    assert response.status_code == 422
    assert preview_rows(response)[2] == (
        "error",
        ["Several departments are called “推广组”; write the full path, e.g. 网络营销部 / 推广组."],
    )
    assert upload(hr, csv_bytes([_row(department="品牌部 / 推广组")])).status_code == 200


def test_line_numbers_count_blank_rows_as_the_spreadsheet_does(hr):
    content = "name,email,department\r\n甲,a@example.com,推广组\r\n,,\r\n\r\n乙,b@example.com,不存在部\r\n"

    response = upload(hr, content.encode())

    assert preview_rows(response) == {
        2: ("create", []),
        5: ("error", ["Unknown department “不存在部”."]),
    }


# Confirming -----------------------------------------------------------------------------


def test_confirm_applies_the_preview(hr, marketing):
    preview = upload(hr, csv_bytes(people_rows(), header=ZH_COLUMNS))

    response = confirm(hr, preview)

    assert response.status_code == 303
    assert response.headers["Location"] == "/people/"
    assert "Import done: 4 added, 1 updated, 1 unchanged." in flashes(hr.get("/people/"))
    db.session.rollback()
    people = {p.email: p for p in db.session.scalars(select(Person))}
    ids = {email: p.id for email, p in people.items()}
    assert people["zhangyue@example.com"].department_id == marketing["seo"].id
    assert people["zhangyue@example.com"].manager_id == marketing["lead"].id
    assert people["liuyan@example.com"].manager_id == ids["zhangyue@example.com"]
    assert people["sunshen@example.com"].department_id == marketing["content"].id
    assert people["sunshen@example.com"].manager_id == ids["zhaoyaqi@example.com"]
    assert people["zhaoyaqi@example.com"].manager_id == marketing["boss"].id
    assert people["wangzhiyuan@example.com"].position == "部门总监"
    assert people["liuyan@example.com"].name == "刘䶮"
    assert all(
        p.active and not p.is_admin for p in people.values() if p.email != "linhui@example.com"
    )


def test_confirm_writes_nothing_twice(hr):
    preview = upload(hr, csv_bytes(people_rows()))
    confirm(hr, preview)
    after = people_state()

    again = confirm(hr, preview)

    assert again.status_code == 303
    assert "This file was imported already." in flashes(hr.get("/people/"))
    assert people_state() == after


def test_the_same_file_imported_twice_changes_nothing(hr):
    content = csv_bytes(people_rows(), header=ZH_COLUMNS, encoding="gb18030")
    confirm(hr, upload(hr, content))
    after_first = people_state()

    second = upload(hr, content)

    assert second.status_code == 200
    assert "Every row is valid: 0 to add, 0 to update, 6 unchanged." in text(second)
    assert confirm(hr, second).status_code == 303
    assert people_state() == after_first


def test_optional_columns_missing_from_the_file_keep_what_the_company_has(hr, marketing):
    content = (
        "name,email,department\r\n"
        "林慧,linhui@example.com,人力资源部\r\n"
        "李喆,lizhe@example.com,内容组\r\n"
        "张玥,zhangyue@example.com,推广组\r\n"
    ).encode()
    lead = marketing["lead"]

    response = upload(hr, content)

    assert "1 to add, 1 to update, 1 unchanged." in text(response)
    assert "changes department" in text(response)
    confirm(hr, response)
    db.session.rollback()
    admin, lead = db.session.get(Person, marketing["admin"].id), db.session.get(Person, lead.id)
    assert (admin.is_admin, admin.position) == (True, "人事经理")
    assert (lead.department_id, lead.position) == (marketing["content"].id, "推广主管")
    assert lead.manager_id == marketing["boss"].id
    new = db.session.scalars(select(Person).where(Person.email == "zhangyue@example.com")).one()
    assert (new.position, new.manager_id, new.is_admin) == ("", None, False)


def test_a_loop_is_found_through_managers_the_file_does_not_mention(hr, marketing):
    content = "name,email,department,manager_email\r\n王志远,wangzhiyuan@example.com,网络营销部,lizhe@example.com\r\n"

    response = upload(hr, content.encode())

    assert response.status_code == 422
    assert preview_rows(response)[2][1] == [
        "Manager loop: wangzhiyuan@example.com → lizhe@example.com → wangzhiyuan@example.com."
    ]


@pytest.mark.parametrize("word", ["是", "yes", "Y", "1", "TRUE"])
def test_admin_flag_words(hr, word):
    response = upload(hr, csv_bytes([_row(admin=word)]))

    confirm(hr, response)
    db.session.rollback()
    assert db.session.scalars(
        select(Person.is_admin).where(Person.email == "new@example.com")
    ).one()


def test_another_admin_cannot_confirm_my_batch(app, hr, make_person):
    preview = upload(hr, csv_bytes(people_rows()))
    other = sign_in(app.test_client(), make_person("HR 2", is_admin=True, email="hr2@example.com"))
    before = people_state()

    response = confirm(other, preview)

    assert response.status_code == 403
    assert people_state() == before


def test_confirm_rechecks_the_company(hr, marketing):
    preview = upload(hr, csv_bytes([_row(department="内容组")]))
    db.session.delete(db.session.get(type(marketing["content"]), marketing["content"].id))
    db.session.commit()
    before = people_state()

    response = confirm(hr, preview)

    assert response.status_code == 422
    assert preview_rows(response)[2] == ("error", ["Unknown department “内容组”."])
    assert people_state() == before


@pytest.mark.parametrize("batch_id", ["999", "abc", ""])
def test_confirming_an_unknown_batch_is_not_found(hr, batch_id):
    before = snapshot()

    response = hr.post("/people/import/confirm", data={"batch_id": batch_id})

    assert response.status_code == 404
    assert snapshot() == before


def test_the_batch_keeps_the_file_for_confirmation(hr, marketing):
    upload(hr, csv_bytes(people_rows()), "人员.csv")

    batch = db.session.scalars(select(ImportBatch)).one()
    assert (batch.filename, batch.created_by_id, batch.applied_at) == (
        "人员.csv",
        marketing["admin"].id,
        None,
    )
    assert len(batch.rows) == 6
