"""okr.files.xlsx: the streamed workbook opens in openpyxl with every value as written."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl

from okr.files.xlsx import SheetLayout, sheet_title, write_sheet


def test_values_styles_and_layout_read_back():
    rows = [
        ["王芳", Decimal("12.5"), 3, True, None, date(2026, 10, 1), " 留白 ", "a<b & \x07c"],
        ["=1+1", Decimal("0.875"), 0, False, "", date(2026, 12, 31), "x", "y"],
    ]
    layout = SheetLayout(widths=(12, 8), freeze="B2", formats={2: "0.0%"})
    book = openpyxl.load_workbook(
        io.BytesIO(write_sheet("2026 Q4", ["人", "分", "n", "b", "e", "d", "s", "t"], rows, layout))
    )
    sheet = book.active
    assert sheet.title == "2026 Q4"
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["人", "分", "n", "b", "e", "d", "s", "t"]
    assert values[1] == ["王芳", 12.5, 3, True, None, "2026-10-01", " 留白 ", "a<b & c"]
    assert values[2][:4] == ["=1+1", 0.875, 0, False]  # text stays text: no formula is made
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet["B2"].number_format == "0.0%" and sheet["C2"].number_format == "General"
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width == 12


def test_sheet_titles_excel_refuses_are_made_acceptable():
    assert sheet_title("2026/Q4: 上半年 [草稿]") == "2026 Q4  上半年  草稿"
    assert sheet_title("'") == "Sheet1"
    assert len(sheet_title("考" * 40)) == 31
