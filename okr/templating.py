"""What every template may use: the language switcher, the signed-in person, formatting filters.

Features add their own labels and filters through `okr.wiring` (e.g. `okr.labels.register`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_translations
from flask_login import current_user

from okr.i18n import LANGUAGE_NAMES, TemplateWords, wtforms_translations


def init_app(app: Flask) -> None:
    """Template globals, the date and number filters, Jinja's whitespace rules, and the words
    of WTForms' own messages."""

    @app.before_request
    def wtforms_words() -> None:
        if request.endpoint != "static":
            words = wtforms_translations(str(get_locale()))
            request.wtforms_translations = words  # type: ignore[attr-defined]

    @app.context_processor
    def globals_() -> dict[str, Any]:
        return {
            "languages": LANGUAGE_NAMES,
            "current_locale": str(get_locale() or app.config["DEFAULT_LOCALE"]),
            "me": current_user._get_current_object(),  # type: ignore[attr-defined]  (no proxy)
            # the catalog found once per render, not on every _() (macros imported without
            # context keep Flask-Babel's own, which gives the same words)
            **TemplateWords(get_translations()).functions(),
        }

    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else ""
    )
    app.jinja_env.filters["date_short"] = lambda value: (
        format_date(value, "medium") if value else ""
    )
    app.jinja_env.filters["number"] = lambda value: (
        format_decimal(value) if value is not None else ""
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
