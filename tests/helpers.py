"""Reading responses in tests: page text, the message beside a field, input values, flashes."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

from flask import Response

from okr.extensions import db


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
