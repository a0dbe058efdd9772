"""Helpers for tests: reading responses (page text, field messages, flashes), posting check-ins,
building upload files, reading security headers and Chinese derivations, and the test settings."""

from __future__ import annotations

import io
import os
import re
from decimal import Decimal
from fractions import Fraction
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Response
from openpyxl import Workbook

from okr.extensions import db
from okr.objectives.models import KeyResult
from okr.schemes.builtin import BUILT_IN


def text(response: Response) -> str:
    """The response body with HTML entities decoded."""
    return unescape(response.get_data(as_text=True))


def field_error(response: Response, field_id: str) -> str:
    """The message drawn beside a form field by the `field` macro ('' when there is none)."""
    body = response.get_data(as_text=True)
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', body, re.S)
    return unescape(match.group(1)) if match else ""


def flashes(response: Response) -> list[str]:
    """The flashed messages shown on a page."""
    body = response.get_data(as_text=True)
    return [unescape(m) for m in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', body)]


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, Any] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and a.get("type") == "checkbox":
            self.values[name] = "checked" in a
        elif tag == "input" and a.get("type") == "radio":  # the checked one, as a browser sends
            if "checked" in a:
                self.values[name] = a.get("value") or ""
            else:
                self.values.setdefault(name, "")
        elif tag == "input":
            self.values[name] = a.get("value") or ""
        elif tag == "select":
            self._select = name
            self.values[name] = None
        elif tag == "option" and self._select is not None and "selected" in a:
            self.values[self._select] = a.get("value")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def form_values(response: Response) -> dict[str, Any]:
    """What each form field on the page holds: input values, selected options, checkboxes."""
    parser = _Fields()
    parser.feed(response.get_data(as_text=True))
    return parser.values


def sign_in(client: Any, person: Any) -> Any:
    """Open a server-side session for the person and put it on any test client, as signing in
    does (the `login` fixture covers only `client`)."""
    from okr.auth.sessions import open_session

    token = open_session(person, "pytest")
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def snapshot(*tables: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the named tables (default all) as stored, to show what a request changed."""
    db.session.rollback()
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(table.select())), key=repr)
        for table in db.metadata.sorted_tables
        if not tables or table.name in tables
    }


HTMX = {"HX-Request": "true"}


def check_in_url(kr: KeyResult) -> str:
    return f"/week/key-results/{kr.id}/check-in"


def post(client, kr, value="50000", confidence="on_track", note="", version=None, htmx=True):
    data = {"value": value, "confidence": confidence, "note": note}
    data["version"] = str(kr.version if version is None else version)
    return client.post(check_in_url(kr), data=data, headers=HTMX if htmx else {})


def row_html(body: str, kr: KeyResult) -> str:
    """The markup of one key result's row on a page."""
    start = body.index(f'id="kr-{kr.id}"')
    end = body.find('<div class="kr-row', start)
    return body[start : end if end != -1 else len(body)]


def policy(response) -> dict[str, list[str]]:
    """The CSP as {directive: [sources]}."""
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = sources
    return directives


def assert_strict(response) -> None:
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"][0] == "'self'"
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    everything = " ".join(source for sources in csp.values() for source in sources)
    assert "unsafe" not in everything and "*" not in everything and "data:" not in everything


def assert_private(response) -> None:
    assert response.headers["Cache-Control"] == "no-store"
    assert "Cookie" in response.headers["Vary"]


def inline_parts(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


EN = ["name", "email", "position", "department", "manager_email", "hr_admin"]
ZH_COLUMNS = ["姓名", "邮箱", "职位", "部门", "上级邮箱", "人事管理员"]


def people_rows(newcomer: str = "刘䶮") -> list[list[str]]:
    """Against the `marketing` company: four new people (managers in the company or later in the
    file), one change, one the same."""
    return [
        [
            "张玥",
            "zhangyue@example.com",
            "SEO专员",
            "网络营销部 / 推广组",
            "LiZhe@example.com",
            "否",
        ],
        [newcomer, "liuyan@example.com", "SEM专员", "推广组", "zhangyue@example.com", ""],
        [
            "孙燊",
            "sunshen@example.com",
            "内容营销专员",
            "网络营销部/内容组",
            "zhaoyaqi@example.com",
            "否",
        ],
        ["赵雅琪", "ZhaoYaQi@Example.com", "内容主管", "内容组", "wangzhiyuan@example.com", "否"],
        ["李喆", "lizhe@example.com", "推广主管", "推广组", "wangzhiyuan@example.com", "否"],
        ["王志远", "wangzhiyuan@example.com", "部门总监", "网络营销部", "", "否"],
    ]


def csv_bytes(rows: list[list[str]], header=EN, encoding="utf-8", delimiter=",") -> bytes:
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    return "\r\n".join(lines).encode(encoding)


def xlsx_bytes(rows: list[list[object]], header=EN) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, filename: str = "people.csv"):
    """Upload a file; a valid one is shown at its preview's own address (303, then GET)."""
    return client.post(
        "/people/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def preview_rows(response) -> dict[int, tuple[str, list[str]]]:
    """Line number -> (action, errors) as the preview table shows them."""
    body = response.get_data(as_text=True)
    return {
        int(line): (action, [unescape(e) for e in re.findall(r"<li>(.*?)</li>", cells, re.S)])
        for action, line, cells in re.findall(
            r'<tr class="row-(\w+)">\s*<td>(\d+)</td>(.*?)</tr>', body, re.S
        )
    }


def people_state():
    return snapshot("person", "department")


ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"


KEYS = {
    *(c["key"] for t in BUILT_IN.values() for items in t["criteria"].values() for c in items),
    *(k["key"] for t in BUILT_IN.values() for k in (t.get("adjustments") or {}).get("kinds", [])),
    *(s["key"] for t in BUILT_IN.values() for s in t.get("sections", [])),
    *(i["key"] for t in BUILT_IN.values() for s in t.get("sections", []) for i in s["indicators"]),
    *("kr", "peer", "interview", "self", "key_results", "objectives", "parts", "criteria"),
}


# Allowed ASCII: the word OKR, anonymous rater labels (6 hex digits), record numbers and ids.
ALLOWED = re.compile(r"\bOKR\b|(?<=评价人 )[0-9a-f]{6}\b|\bR\d{4}-\d{6}\b|#\d+")


def assert_reads_in_chinese(lines: list[str]) -> None:

    assert lines, "no derivation shown"
    assert any(re.search(f"[{CJK}]", line) for line in lines)
    problems = problems_of(lines)
    assert problems == [], "\n".join(problems)


def derivation_items(html: str, list_class: str) -> list[str]:
    match = re.search(rf'<ol class="{list_class}"[^>]*>(.*?)</ol>', html, re.S)
    assert match, list_class
    return [
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", li))).strip()
        for li in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    ]


class _Inline(HTMLParser):
    """Inline scripts, <style> without a nonce, style attributes and on* handlers in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style" and "nonce" not in names:
            self.found.append("<style> without nonce")
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=>")
            if name in ("href", "src", "action", "formaction") and (_value or "").startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:>")


def problems_of(lines: list[str]) -> list[str]:
    """Everything wrong with derivation lines shown to a Chinese reader."""
    found = []
    for line in lines:
        for key in KEYS:
            if re.search(rf"(?<![A-Za-z_]){re.escape(key)}(?![A-Za-z_])", ALLOWED.sub("", line)):
                found.append(f"template key {key!r}: {line}")
        words = re.findall(r"[A-Za-z]{2,}", ALLOWED.sub("", line))
        if words:
            found.append(f"English {words}: {line}")
        if re.search(rf"[{CJK}] +[{CJK}]", line):
            found.append(f"space between Chinese characters: {line}")
        if re.search(r"\d\.\d{5,}", line):
            found.append(f"more than 4 decimals: {line}")
        found += [f"{wrong}: {line}" for wrong in arithmetic_errors(line)]
    return found


def arithmetic_errors(line: str) -> list[str]:
    """Equations, inequalities and rounding statements in a line that do not hold."""
    errors = []
    for segment in re.split(r"[：；:;，。（）]", line):
        if "四舍五入保留" in segment or "rounded half up to" in segment:
            numbers = re.findall(r"≈?-?\d+(?:\.\d+)?", segment)
            if len(numbers) == 3 and not numbers[0].startswith("≈"):
                value, places, rounded = (Decimal(n) for n in numbers)
                shown = value.quantize(Decimal(1).scaleb(-int(places)), rounding="ROUND_HALF_UP")
                if shown != rounded:
                    errors.append(f"{value} rounded to {places} decimals is {shown}")
            continue
        parts = re.split(r"\s(=|≈|≥|>)\s", segment)
        sides, relations = parts[0::2], parts[1::2]
        for n, relation in enumerate(relations):
            a = _side(sides[n], "left")
            b = _side(("≈" if relation == "≈" else "") + sides[n + 1].strip(), "right")
            if a is None or b is None:
                continue
            if (
                (relation in ("=", "≈") and (a[1] < b[0] or b[1] < a[0]))
                or (relation == "≥" and a[1] < b[0])
                or (relation == ">" and a[1] <= b[0])
            ):
                errors.append(f"{segment.strip()} does not hold")
    return errors


def _side(text: str, where: str) -> tuple[Fraction, Fraction] | None:
    """The expression next to a relation sign (words beyond it left aside); None without one."""
    run = re.search(f"{_RUN}$" if where == "left" else f"^{_RUN}", text)
    tokens = _TOKEN.findall(run.group(0)) if run else []
    if not any(t[-1].isdigit() or t.endswith("%") for t in tokens):
        return None
    return _Parser(tokens).parse()


_TOKEN = re.compile(r"≈?-?\d+(?:\.\d+)?%?|[-+−×÷()]")


class _Parser:
    """Interval arithmetic over + − × ÷ and parentheses, the operators derivations use."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.i = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        self.i += 1
        return self.tokens[self.i - 1]

    def expr(self) -> tuple[Fraction, Fraction]:
        low, high = self.term()
        while self.peek() in ("+", "−", "-"):
            op = self.take()
            b_low, b_high = self.term()
            low, high = (low + b_low, high + b_high) if op == "+" else (low - b_high, high - b_low)
        return low, high

    def term(self) -> tuple[Fraction, Fraction]:
        low, high = self.factor()
        while self.peek() in ("×", "÷"):
            op = self.take()
            b_low, b_high = self.factor()
            if op == "÷":
                b_low, b_high = 1 / b_high, 1 / b_low
            corners = [low * b_low, low * b_high, high * b_low, high * b_high]
            low, high = min(corners), max(corners)
        return low, high

    def factor(self) -> tuple[Fraction, Fraction]:
        token = self.take()
        if token == "(":
            value = self.expr()
            assert self.take() == ")"
            return value
        if token in ("+", "−", "-"):
            low, high = self.factor()
            return (low, high) if token == "+" else (-high, -low)
        return _number(token)

    def parse(self) -> tuple[Fraction, Fraction]:
        value = self.expr()
        assert self.peek() is None, self.tokens
        return value


_RUN = "[-+−×÷()%≈\\d. ]+"


def _number(token: str) -> tuple[Fraction, Fraction]:
    """A shown number as the interval it stands for: exact, or ± half its last decimal when ≈."""
    approx, text = token.startswith("≈"), token.lstrip("≈")
    percent = text.endswith("%")
    text = text.rstrip("%")
    value = Fraction(Decimal(text))
    half = Fraction(1, 2 * 10 ** len(text.partition(".")[2])) if approx else Fraction(0)
    low, high = value - half, value + half
    if percent:
        low, high = low / 100, high / 100
    return low, high


REQUIRED = {
    part.strip() for part in os.environ.get("OKR_TEST_REQUIRE", "").split(",") if part.strip()
}


TEST_PASSWORD = "correct horse"


def unavailable(what: str, reason: str) -> None:
    """Skip, or fail when the CI says this part is mandatory."""
    if what in REQUIRED:
        pytest.fail(f"{what} is required here (OKR_TEST_REQUIRE) but unavailable: {reason}")
    pytest.skip(f"{what} unavailable: {reason}")
