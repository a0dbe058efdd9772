"""Which language and timezone a request is shown in."""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import support
from flask import current_app, has_request_context, request, session
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from wtforms.i18n import messages_path

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


@cache
def wtforms_translations(locale: str) -> support.Translations:
    """WTForms' own messages in a language, read once per process: Flask-WTF reads the file
    again for every request that builds a form (then keeps it on `request.wtforms_translations`,
    where okr.templating puts this one first)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class TemplateWords:
    """gettext and friends for one render, bound to the request's catalog.

    Jinja's i18n extension (as Flask-Babel installs it) looks the catalog up again on every
    `_()` a template calls, through several context-local lookups; a page with a row per key
    result calls it hundreds of times. These do what Jinja's "newstyle" gettext does (the
    message is markup, its `%(name)s` values are escaped, `%%` is always formatted) with the
    catalog found once, when the render starts (`okr.templating`).
    """

    def __init__(self, translations: Any) -> None:
        self._translations = translations

    @pass_eval_context
    def gettext(self, eval_ctx: EvalContext, string: str, **variables: Any) -> str:
        return _format(eval_ctx, self._translations.ugettext(string), variables)

    @pass_eval_context
    def ngettext(
        self, eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        text = self._translations.ungettext(singular, plural, num)
        return _format(eval_ctx, text, variables)

    @pass_eval_context
    def pgettext(self, eval_ctx: EvalContext, context: str, string: str, **variables: Any) -> str:
        variables.setdefault("context", context)
        return _format(eval_ctx, self._translations.upgettext(context, string), variables)

    @pass_eval_context
    def npgettext(
        self,
        eval_ctx: EvalContext,
        context: str,
        singular: str,
        plural: str,
        num: int,
        **variables: Any,
    ) -> str:
        variables.setdefault("context", context)
        variables.setdefault("num", num)
        text = self._translations.unpgettext(context, singular, plural, num)
        return _format(eval_ctx, text, variables)

    def functions(self) -> dict[str, Any]:
        """The names templates call them by."""
        return {
            "_": self.gettext,
            "gettext": self.gettext,
            "ngettext": self.ngettext,
            "pgettext": self.pgettext,
            "npgettext": self.npgettext,
        }


def _format(eval_ctx: EvalContext, text: str, variables: dict[str, Any]) -> str:
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables
