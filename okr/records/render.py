"""The record as HTML and as a PDF (WeasyPrint), fetching nothing but the app's own static files."""

from __future__ import annotations

import mimetypes
import re
import threading
from decimal import Decimal
from functools import cache
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint import html as weasyprint_html
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from okr.http import csp_nonce
from okr.plans.services import item_status_label, section_label
from okr.records.chart import FONTS as CHART_FONTS
from okr.records.chart import progress_svg
from okr.records.record import Record

# A base URL nobody can reach: relative links in the print template resolve under it, and the
# fetcher below answers only for it, from the static folder. file://, http(s) and data: are refused.
STATIC_BASE = "https://okr-static.invalid/static/"
# The static folder okr.create_app gives every app (the repository's), for warming up without one.
STATIC_FOLDER = str(Path(__file__).resolve().parent.parent.parent / "static")


class StaticOnlyFetcher(URLFetcher):
    """Serves files below the app's static folder; every other URL is refused."""

    def __init__(self, static_folder: str) -> None:
        super().__init__(allowed_protocols=["https"], fail_on_errors=False)
        self.root = Path(static_folder).resolve()

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_BASE):
            raise ValueError(f"refused: {url[:80]}")
        relative = url[len(STATIC_BASE) :].split("?")[0].split("#")[0]
        path = (self.root / relative).resolve()
        if self.root not in path.parents or not path.is_file():
            raise ValueError(f"not a static file: {relative[:80]}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


def record_html(record: Record, *, printable: bool) -> str:
    """The record page: for the browser (printable HTML) or for WeasyPrint."""
    series = [(kr.title, kr.series) for block in record.objectives for kr in block.key_results]
    cap = max((Decimal(value) for _t, points in series for _d, value in points), default=Decimal(1))
    chart = (
        progress_svg(
            series,
            *record.chart_range,
            cap,
            _("No check-ins in this cycle."),
            label=_("Attainment of each key result after each week's check-ins"),
        )
        if record.chart_range[0]
        else ""
    )
    return render_template(
        "records/record.html",
        r=record,
        chart=Markup(chart),  # built from escaped text only
        printable=printable,
        # the footer's <style> differs per record: the browser's CSP allows it by nonce
        style_nonce=csp_nonce() if printable else None,
        section_word=section_label,
        item_status_word=item_status_label,
    )


_fonts_lock = threading.Lock()


PDF_STYLESHEETS = ("fonts/fonts.css", "css/record.css")


@cache
def _font_config() -> FontConfiguration:
    """One font configuration per process: registering the 26 OKR Sans faces for every PDF
    costs more than rendering it (bench/fonts.py)."""
    return FontConfiguration()


@cache
def _stylesheets(static_folder: str) -> tuple[CSS, ...]:
    """The record's stylesheets, parsed once per process (parsing fonts.css's unicode ranges for
    every record took a tenth of its time); their @font-face rules go into the shared fonts."""
    fetcher = StaticOnlyFetcher(static_folder)
    return tuple(
        CSS(url=STATIC_BASE + name, url_fetcher=fetcher, font_config=_font_config())
        for name in PDF_STYLESHEETS
    )


# WeasyPrint's rules for footnote and note pseudo-elements (::footnote-call, ::note-marker …),
# each a one-selector rule at the start of a line of its stylesheet.
_NOTE_RULE = re.compile(r"^::(?:footnote|note)-[a-z-]+\s*\{[^{}]*\}", re.MULTILINE)


@cache
def _user_agent_stylesheet() -> CSS:
    """WeasyPrint's own user-agent stylesheet without its footnote and note rules: those match
    every element, so the cascade computed five more styles for each (a tenth of a record's
    time); the record has neither footnotes nor notes."""
    return CSS(string=_NOTE_RULE.sub("", weasyprint_html.UA), counter_style=CounterStyle())


class RecordHTML(HTML):
    """A record for WeasyPrint: its document with the lighter user-agent stylesheet."""

    def _ua_stylesheets(self, forms: bool | None = False) -> list[CSS]:
        return super()._ua_stylesheets(forms) if forms else [_user_agent_stylesheet()]


# A little of each kind of text and box a record has, for warm_up.
_WARM_UP_HTML = (
    '<body class="record"><h1>Review record 考核记录</h1><table class="grid"><thead><tr><th>权重'
    "</th></tr></thead><tbody><tr><td>Attainment 达成率 83.52%</td></tr></tbody></table>"
    '<ol class="derivation"><li>综合得分 = 60 × 0.5</li></ol><svg xmlns="http://www.w3.org/2000/svg"'
    f' viewBox="0 0 80 20" font-family="{CHART_FONTS}"><text x="1" y="12">100% 进展</text></svg>'
    "</body>"
)


def warm_up(static_folder: str) -> None:
    """Register the fonts and lay out and write a small record-like page once, so that the first
    record of this process, or of the processes forked from it, starts warm."""
    fetcher = StaticOnlyFetcher(static_folder)
    with _fonts_lock:
        document = RecordHTML(string=_WARM_UP_HTML, base_url=STATIC_BASE, url_fetcher=fetcher)
        document.write_pdf(stylesheets=_stylesheets(static_folder), font_config=_font_config())


def record_pdf(record: Record) -> bytes:
    """An A4 PDF of the record."""
    html = record_html(record, printable=False)
    static_folder = current_app.static_folder or "static"
    fetcher = StaticOnlyFetcher(static_folder)
    with _fonts_lock:  # the shared configuration is not meant for two renders at once
        document = RecordHTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=_stylesheets(static_folder), font_config=_font_config()
        )
