"""Exporting people as CSV and XLSX: everyone, department paths, formula injection, round trip."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from okr.extensions import db
from okr.tables import neutralise, read_table, unneutralise, write_csv, write_xlsx
from tests.helpers import form_values, sign_in, snapshot, text

FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1", "-2", "@SUM(A1)"]


def exported_rows(response, fmt: str) -> list[list[str]]:
    """The cells of an exported file, exactly as a spreadsheet would receive them."""
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type in ("s", "inlineStr"), cell.coordinate  # never a formula
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def staff(marketing, make_person):
    """The marketing company plus a deactivated SEO specialist and an HR admin elsewhere."""
    make_person(
        "张玥",
        email="zhangyue@example.com",
        position="SEO专员",
        department=marketing["seo"],
        manager=marketing["lead"],
        active=False,
    )
    return marketing


@pytest.fixture
def hr(app, staff):
    return sign_in(app.test_client(), staff["admin"])


def _in_chinese(person) -> None:
    person.locale = "zh"
    db.session.commit()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_holds_everyone_with_department_paths(hr, fmt):
    response = hr.get(f"/people/export.{fmt}")

    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=people-")
    assert disposition.endswith(f".{fmt}")
    rows = exported_rows(response, fmt)
    assert rows[0] == ["name", "email", "position", "department", "manager_email", "hr_admin"]
    assert sorted(rows[1:]) == sorted(
        [
            ["林慧", "linhui@example.com", "人事经理", "人力资源部", "", "yes"],
            ["王志远", "wangzhiyuan@example.com", "部门经理", "网络营销部", "", "no"],
            [
                "李喆",
                "lizhe@example.com",
                "推广主管",
                "网络营销部 / 推广组",
                "wangzhiyuan@example.com",
                "no",
            ],
            [
                "张玥",
                "zhangyue@example.com",
                "SEO专员",
                "网络营销部 / 推广组",
                "lizhe@example.com",
                "no",
            ],
        ]
    )


def test_csv_export_is_utf8_with_bom_for_excel(hr):
    response = hr.get("/people/export.csv")

    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "张玥" in response.data.decode("utf-8-sig")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_in_chinese_uses_chinese_headers_and_words(hr, staff, fmt):
    _in_chinese(staff["admin"])

    rows = exported_rows(hr.get(f"/people/export.{fmt}"), fmt)

    assert rows[0] == ["姓名", "邮箱", "职位", "部门", "上级邮箱", "人事管理员"]
    flags = {row[1]: row[5] for row in rows[1:]}
    assert flags["linhui@example.com"] == "是"
    assert flags["lizhe@example.com"] == "否"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_like_cells_are_neutralised(hr, staff, make_person, fmt):
    for n, name in enumerate(FORMULAS):
        make_person(name, email=f"f{n}@example.com", position=name, department=staff["seo"])

    rows = exported_rows(hr.get(f"/people/export.{fmt}"), fmt)

    cells = {row[1]: (row[0], row[2]) for row in rows[1:]}
    for n, name in enumerate(FORMULAS):
        assert cells[f"f{n}@example.com"] == ("'" + name, "'" + name)


def _round_trip(client, fmt):
    exported = client.get(f"/people/export.{fmt}")
    return client.post(
        "/people/import",
        data={"file": (io.BytesIO(exported.data), f"people.{fmt}")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(hr, staff, make_person, fmt, locale):
    for n, name in enumerate(FORMULAS):
        make_person(name, email=f"f{n}@example.com", position=name, department=staff["content"])
    make_person(
        "O'Brien, Pat", email="pat@example.com", position='"SEO", SEM', department=staff["hr"]
    )
    if locale == "zh":
        _in_chinese(staff["admin"])
    before = snapshot("person", "department")

    preview = _round_trip(hr, fmt)

    assert preview.status_code == 200
    body = text(preview)
    assert body.count('<tr class="row-unchanged">') == 9
    assert body.count('<tr class="row-') == 9
    if locale == "en":
        assert "Every row is valid: 0 to add, 0 to update, 9 unchanged." in body
    confirm = hr.post("/people/import/confirm", data={"batch_id": form_values(preview)["batch_id"]})
    assert confirm.status_code == 303
    assert snapshot("person", "department") == before


def test_a_csv_whose_only_quotes_are_neutralising_apostrophes_imports_back(hr, staff, make_person):
    """Nothing in this file needs "quotes", so only the apostrophes could be taken for them."""
    make_person("+1", email="plus@example.com", position="-2", department=staff["seo"])
    make_person("@me", email="at@example.com", position="=3", department=staff["seo"])
    before = snapshot("person", "department")

    preview = _round_trip(hr, "csv")

    assert preview.status_code == 200
    assert "Every row is valid: 0 to add, 0 to update, 6 unchanged." in text(preview)
    hr.post("/people/import/confirm", data={"batch_id": form_values(preview)["batch_id"]})
    assert snapshot("person", "department") == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_for_hr_only(app, staff, fmt):
    client = sign_in(app.test_client(), staff["lead"])

    response = client.get(f"/people/export.{fmt}")

    assert response.status_code == 403
    assert b"lizhe@example.com" not in response.data


# The table functions alone --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("张玥", "张玥"),
        ("a=b", "a=b"),
        ("'quoted", "'quoted"),
        ("", ""),
    ],
)
def test_neutralise_and_back(value, written):
    assert neutralise(value) == written
    assert unneutralise(written) == value


@pytest.mark.parametrize(
    "rows",
    [
        [
            ["+1", "a@example.com", "-2", "网络营销部 / 推广组"],
            ["@x", "b@example.com", "=y", "A, B; C"],
            ['He said "hi"', "c@example.com", "it's", "内容组"],
        ],
        [["+1", "a@example.com", "-2", "推广组"]],
        [["+1", "a@example.com", "-2", "推广组"], ["@x", "b@example.com", "=y", "内容组"]],
    ],
    ids=["mixed", "one-row-apostrophes-only", "apostrophes-only"],
)
@pytest.mark.parametrize("writer", ["csv", "xlsx"])
def test_written_tables_read_back_the_same(writer, rows):
    header = ["name", "email", "position", "department"]
    if writer == "csv":
        data, name = write_csv(header, rows), "people.csv"
    else:
        data, name = write_xlsx(header, rows, "People"), "people.xlsx"

    read = read_table(data, name)

    assert [[row[key] for key in header] for row in read] == rows
