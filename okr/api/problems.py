"""RFC 9457 problem details: every error of the API as `application/problem+json`.

`type` is a URI naming the kind of problem (about:blank when the status says all), `title` and
`detail` are in the request's language (Accept-Language, zh or en), `errors` maps a field to its
messages for 422. A 500 says nothing of the failure beyond its status; the traceback goes to the
log only.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

import marshmallow as ma
from flask import Response, current_app, json, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import abort
from werkzeug.exceptions import HTTPException

from okr.extensions import db

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
TYPES = "/api/v1/problems/"  # + a kind: the docs (docs/api.md) say what each means

TITLES = {
    400: _l("Bad request"),
    401: _l("Not signed in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Too large"),
    415: _l("Unsupported media type"),
    422: _l("Invalid input"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}
DETAILS = {
    400: _l("The request could not be read."),
    401: _l("Send a valid API token: Authorization: Bearer okr_…"),
    403: _l("Your token or its owner may not do this."),
    404: _l("There is nothing at this address, or it was removed."),
    405: _l("This address does not answer this method."),
    409: _l("The request conflicts with an earlier one."),
    413: _l("The request is too large."),
    415: _l("Send the body as JSON (Content-Type: application/json)."),
    422: _l("Some fields are not valid: see errors."),
    429: _l("Too many requests with this token: wait and try again."),
    500: _l("The app could not finish this request; nothing was saved."),
}


class ProblemSchema(ma.Schema):
    """A problem detail (RFC 9457)."""

    type = ma.fields.String(metadata={"description": "A URI naming the kind of problem"})
    title = ma.fields.String(metadata={"description": "What went wrong, in a few words"})
    status = ma.fields.Integer(metadata={"description": "The HTTP status"})
    detail = ma.fields.String(metadata={"description": "What went wrong here"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Messages per field (422)"},
    )


def problem(
    status: int,
    detail: str | None = None,
    *,
    kind: str | None = None,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The problem-details answer for a status, in the request's language."""
    body: dict[str, Any] = {
        "type": TYPES + kind if kind else "about:blank",
        "title": str(TITLES.get(status, _("Not completed"))),
        "status": status,
        "detail": detail or str(DETAILS.get(status, "")),
    }
    if errors:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    response.headers.update(headers or {})
    return response


# marshmallow's own messages (English), in the request's language.
FIELD_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field is required."),
    "Unknown field.": _l("This field is not known here."),
    "Not a valid integer.": _l("Enter a whole number."),
    "Not a valid number.": _l("Enter a number."),
    "Not a valid string.": _l("Enter text."),
    "Not a valid boolean.": _l("Enter true or false."),
    "Invalid input type.": _l("This value has the wrong type."),
    "Invalid value.": _l("This value is not valid."),
    "Not a valid date.": _l("Enter a date as YYYY-MM-DD."),
    "Not a valid datetime.": _l("Enter a date and time (ISO 8601)."),
}
LOCATIONS = ("json", "query", "headers", "view_args", "form")


def _message(text: Any) -> str:
    """A marshmallow message translated; the API's own validators' messages are already."""
    known = FIELD_MESSAGES.get(str(text))
    return str(known if known is not None else text)


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs' nested {location: {field: [messages]}} flattened to {"field": [messages]}, the
    messages in the request's language."""
    if isinstance(messages, list | tuple):
        return {prefix or "_": [_message(m) for m in messages if not isinstance(m, dict)]}
    found: dict[str, list[str]] = {}
    for key, value in (messages or {}).items():
        if not prefix and key in LOCATIONS:
            name = ""
        elif key == "_schema":
            name = prefix
        else:
            name = f"{prefix}.{key}" if prefix else str(key)
        found.update(field_errors(value, name))
    return found


def refuse(errors: dict[str, str], status: int = 422, kind: str = "invalid") -> NoReturn:
    """Stop with a 422 (or `status`) naming the fields and their messages (`okr.errors.Invalid`'s
    errors as they are)."""
    abort(status, errors={field: [str(message)] for field, message in errors.items()}, kind=kind)


def http_error(error: HTTPException) -> Response:
    """An HTTP error raised in the API (abort, webargs, the limiter, routing) as a problem."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    errors = field_errors(data.get("messages")) if "messages" in data else data.get("errors")
    return problem(
        status, data.get("detail"), kind=data.get("kind"), errors=errors, headers=headers
    )


def server_error(error: Exception) -> Response:
    """A failure in the API: logged with its traceback, answered without it."""
    db.session.rollback()
    if not isinstance(error, HTTPException):
        log.error("API request failed: %s %s", request.method, request.path, exc_info=error)
    return problem(500)
