"""Rendering shared by every view: whole pages or htmx fragments, error pages, form errors.

This module imports no feature: every view imports it, and the factory wires the app elsewhere
(`okr.wiring`, `okr.http`, `okr.templating`).
"""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from jinja2_fragments.flask import render_block

from okr.errors import Invalid


def wants_fragment() -> bool:
    """An htmx request for part of a page (not boosted navigation, not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(
    template: str, *, block: str | None = None, status: int = 200, **context: Any
) -> Response:
    """Render a whole page, or only `block` of it for an htmx fragment request."""
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def form_errors(form: FlaskForm, error: Invalid) -> None:
    """Attach service errors to their fields; errors for no field go to the form as a whole."""
    for name, message in error.errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def invalid_status(form: FlaskForm) -> int:
    """422 for a form that was submitted and refused, 200 for a form shown for the first time."""
    return 422 if form.is_submitted() else 200


def error_page(code: int, title: str, message: str, **context: Any) -> Response:
    """The error page; a fragment request gets the message in the page's flashes instead.

    htmx swaps a boosted navigation's error page in whole (see the htmx-config in base.html); a
    fragment's target must not get a whole page, so the message goes to #flashes.
    """
    if wants_fragment():
        response = make_response(
            render_template("errors/_flash.html", title=title, message=message), code
        )
        response.headers.update(
            {"HX-Retarget": "#flashes", "HX-Reswap": "innerHTML", "HX-Push-Url": "false"}
        )
        response.vary.add("HX-Request")
        return response
    return render(
        "errors/error.html", status=code, code=code, title=title, message=message, **context
    )


def refusal(message: str, links: list[tuple[str, str]] | None = None) -> Response:
    """403 with what is allowed instead and who to ask; `links` are (label, url) pairs."""
    return error_page(403, _("Not allowed"), message, links=links or [])
