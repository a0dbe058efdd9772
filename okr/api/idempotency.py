"""Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header): a retried POST is answered
with the stored answer of the first, never done twice.

The same key with the same body replays the first answer (with `Idempotent-Replayed: true`); the
same key with another body is 422, as the draft says (the key is being reused for a different
request: the client's mistake, not a state of the resource); a request whose key another request
is still writing is 409. Only answers below 400 are stored: a refused request wrote nothing (its
transaction is rolled back), so retrying it may succeed. Keys are kept `OKR_API_IDEMPOTENCY_DAYS`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Response, current_app, request
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from okr.api.auth import current_token
from okr.api.models import IdempotentRequest
from okr.api.problems import problem
from okr.db import utcnow
from okr.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
DOC = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            "description": "A unique key per change (e.g. a UUID): a retry with the same key "
            "and body gets the first answer; another body with it is 422.",
        }
    ]
}


def fingerprint() -> str:
    """The request's method, path and body (JSON compared as data, not as spacing)."""
    raw = request.get_data()
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        body = raw
    return hashlib.sha256(
        request.method.encode() + request.path.encode() + b"\0" + body
    ).hexdigest()


def _kept_since() -> Any:
    return utcnow() - timedelta(days=float(current_app.config["API_IDEMPOTENCY_DAYS"]))


def _replay(stored: IdempotentRequest) -> Response:
    response = current_app.response_class(
        json.dumps(stored.body), status=stored.status, mimetype="application/json"
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _store(key: str, mark: str, response: Response) -> Response:
    db.session.execute(
        delete(IdempotentRequest).where(IdempotentRequest.created_at < _kept_since())
    )
    db.session.add(
        IdempotentRequest(
            token_id=current_token().id,
            key=key,
            fingerprint=mark,
            status=response.status_code,
            body=response.get_json(),
            created_at=utcnow(),
        )
    )
    try:
        db.session.flush()
    except IntegrityError:  # another request with this key got there first: undo this one
        db.session.rollback()
        return problem(409, _("A request with this Idempotency-Key is being processed."))
    return response


def idempotent(view: F) -> F:
    """Decorate a POST view of the API: it needs an Idempotency-Key and is done once per key."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER, "")
        if not 1 <= len(key) <= 255:
            return problem(400, _("Send an Idempotency-Key header (1 to 255 characters)."))
        mark = fingerprint()
        stored = db.session.scalar(
            select(IdempotentRequest).where(
                IdempotentRequest.token_id == current_token().id,
                IdempotentRequest.key == key,
                IdempotentRequest.created_at >= _kept_since(),
            )
        )
        if stored is not None and stored.fingerprint != mark:
            return problem(
                422,
                _("This Idempotency-Key was used for another request."),
                kind="idempotency-key-reused",
            )
        if stored is not None:
            return _replay(stored)
        response = current_app.make_response(view(*args, **kwargs))
        return _store(key, mark, response) if response.status_code < 400 else response

    return wrapper  # type: ignore[return-value]
