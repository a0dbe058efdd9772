"""Which language and timezone a request is shown in."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user

from okr.config import LANGUAGES

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


def select_locale() -> str:
    """The person's setting, else the language chosen before signing in, else the browser's."""
    if not has_request_context():  # CLI commands and background work
        return current_app.config["DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    best = request.accept_languages.best_match(LANGUAGES)
    return best or current_app.config["DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The person's timezone, else the company's."""
    if not has_request_context():
        return current_app.config["TIMEZONE"]
    if current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["TIMEZONE"]
