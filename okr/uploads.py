"""Requests over the size limit (413): what to say, and which upload page says it beside its field.

The limit (``MAX_CONTENT_LENGTH`` from ``OKR_MAX_UPLOAD_MB``) is checked by Werkzeug before the
body is read, so a 413 arrives before the view runs (in the CSRF check, when it is on). An upload
view registers a page that shows its form again with the reason beside the file field; any
other request gets the error page.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request
from flask_babel import format_decimal
from flask_babel import gettext as _

Page = Callable[[], Response | None]
_pages: dict[str, Page] = {}


def too_large_page(endpoint: str) -> Callable[[Page], Page]:
    """Register the page a 413 on `endpoint` shows: it must not read the request body, and
    returns None where the error page fits better (e.g. the person may not see the form)."""

    def register(page: Page) -> Page:
        _pages[endpoint] = page
        return page

    return register


def page_for_request() -> Response | None:
    """The registered too-large page of this request's endpoint, if it has one to show."""
    page = _pages.get(request.endpoint or "")
    return page() if page else None


def over_upload_limit() -> bool:
    """Whether the whole request (the file) is over the limit, not one text field or their count."""
    length = request.content_length
    return length is None or length > current_app.config["MAX_CONTENT_LENGTH"]


def _megabytes(size: int) -> str:
    return format_decimal(round(size / (1024 * 1024), 1))


def too_large_message() -> str:
    """Why this request was refused with 413."""
    if not over_upload_limit():
        return _(
            "The form is too large: a text field is longer than %(size)s KB, or there are too many fields.",
            size=format_decimal(current_app.config["MAX_FORM_MEMORY_SIZE"] // 1024),
        )
    size = _megabytes(current_app.config["MAX_CONTENT_LENGTH"])
    if request.mimetype == "multipart/form-data":
        return _("The file is too large: at most %(size)s MB can be uploaded at a time.", size=size)
    return _("The request is too large: at most %(size)s MB can be sent at a time.", size=size)


def upload_limit_hint() -> str:
    """The limit, said beside a file field before anyone runs into it."""
    return _("At most %(size)s MB.", size=_megabytes(current_app.config["MAX_CONTENT_LENGTH"]))
