"""Reading and writing people tables as CSV or XLSX, independent of the database."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook, load_workbook

# Column key -> accepted header spellings (lower-cased); the first Chinese/English are written.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名"),
    "email": ("email", "邮箱", "电子邮件"),
    "position": ("position", "职位", "岗位"),
    "department": ("department", "部门"),
    "manager_email": ("manager_email", "manager email", "上级邮箱", "直属上级邮箱"),
    "is_admin": ("hr_admin", "is_admin", "admin", "人事管理员", "管理员"),
}
REQUIRED = ("name", "email", "department")
LINE = "_line"  # the row's line number in the spreadsheet, blank rows included
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 20_000
MAX_CELL_CHARS = 1_000  # more than any column holds; longer cells are cut (the row is refused)
MAX_COLUMNS = 200
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # an .xlsx is a ZIP: refuse one that unpacks to more
PROBLEM = "_problem"  # a line that could not be read: why ("field_too_long" or "csv")


class TableError(Exception):
    """The file as a whole cannot be read (encoding, format, header)."""


def neutralise(value: str) -> str:
    """Prefix cells that a spreadsheet would run as a formula with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def unneutralise(value: str) -> str:
    """Undo `neutralise`, so an exported file imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def decode_csv(data: bytes) -> str:
    """UTF-8 with or without BOM, else GB18030 (a superset of GBK, as Excel saves in China)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise TableError("encoding") from exc


def _delimiter(text: str) -> str:
    """The separator used in the header row: ',' or, as Excel saves in some locales, ';' or tab.

    Only the separator is guessed: csv.Sniffer also guesses the quote character and takes the
    apostrophes of neutralised cells ('+1,...,'-2) for quotes.
    """
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(",;\t", key=header.count)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_lines(text: str) -> Iterator[list[str] | str]:
    """Each CSV row's cells, or for a row the csv module refuses, why (the next row goes on)."""
    # newline="": lines end at \r\n, \n or a lone \r (old Mac Excel) outside quoted cells
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a cell over the csv module's limit, a NUL, a stray quote
            yield "field_too_long" if "field larger than field limit" in str(exc) else "csv"
        else:
            yield [cell.strip() for cell in row]


def _xlsx_lines(data: bytes) -> Iterator[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise TableError("xlsx") from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise TableError("xlsx_too_large")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError("xlsx") from exc
    try:
        for row in book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield [_cell_text(v) for v in row]  # read_only parses here
    except Exception as exc:
        raise TableError("xlsx") from exc
    finally:
        book.close()


def _numbered(lines: Iterable[list[str] | str]) -> list[tuple[int, list[str] | str]]:
    """Non-blank lines with their line numbers, reading no further than the row limit needs."""
    numbered: list[tuple[int, list[str] | str]] = []
    for line, row in enumerate(lines, start=1):
        if isinstance(row, str) or any(row):
            numbered.append((line, row))
            if len(numbered) > MAX_ROWS + 1:  # the header and one row too many
                break
    return numbered


def _row_data(line: int, row: list[str] | str, header: dict[int, str]) -> dict[str, str]:
    if isinstance(row, str):
        return {LINE: str(line), PROBLEM: row}
    return {
        LINE: str(line),
        **{
            key: unneutralise(row[i][:MAX_CELL_CHARS]) if i < len(row) else ""
            for i, key in header.items()
        },
    }


def read_table(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file keyed by column key; unknown columns are ignored.

    Each row also carries its line number under LINE, so that messages point at the line the
    person sees in Excel even when blank rows were skipped. A line that cannot be read carries
    the reason under PROBLEM instead of its cells.
    """
    numbered = numbered_lines(data, filename)
    first = numbered[0][1]
    header = _map_header([] if isinstance(first, str) else first)
    return [_row_data(line, row, header) for line, row in numbered[1:]]


def numbered_lines(data: bytes, filename: str) -> list[tuple[int, list[str] | str]]:
    """The non-blank lines of a CSV or XLSX file with their line numbers, the header first; a
    line that cannot be read is its reason (TableError "empty" or "too_many", or the file's
    own: "encoding", "xlsx" …)."""
    if filename.lower().endswith(".xlsx"):
        numbered = _numbered(_xlsx_lines(data))
    else:
        numbered = _numbered(_csv_lines(decode_csv(data)))
    if not numbered:
        raise TableError("empty")
    if len(numbered) - 1 > MAX_ROWS:
        raise TableError("too_many")
    return numbered


def _map_header(cells: Sequence[str]) -> dict[int, str]:
    lookup = {spelling: key for key, spellings in COLUMNS.items() for spelling in spellings}
    header = {
        i: lookup[c.strip().lower()] for i, c in enumerate(cells) if c.strip().lower() in lookup
    }
    missing = [key for key in REQUIRED if key not in header.values()]
    if missing:
        raise TableError("header:" + ",".join(missing))
    return header


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with BOM, so Excel opens Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[str]], title: str) -> bytes:
    """One sheet with a bold header row; every cell is text, neutralised like the CSV."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
