"""The API on an app: flask-smorest's `Api` (the OpenAPI 3.1 document) and Flask-Limiter.

Both are made per app (the tests build one app per database). Errors of the API are answered
by its blueprints' handlers (okr.api.blueprint), not app-wide: the pages keep their HTML errors.
"""

from __future__ import annotations

import http
import re
from typing import Any

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from okr.api import blueprint
from okr.api.auth import bearer_secret
from okr.api.problems import MEDIA_TYPE, ProblemSchema
from okr.api.tokens import digest
from okr.extensions import csrf
from okr.jobs.queue import queue_url

DESCRIPTION = (
    "The OKR app's REST API. Send a token as `Authorization: Bearer okr_…` (made on the "
    "account page, or by `flask --app okr api-token create`). A token does what its owner may "
    "on the pages, cut to its scopes: `read`, `checkin`, `admin` (HR only). Errors are RFC 9457 "
    "problem details in the language of Accept-Language (zh or en). Lists are paged by an "
    "opaque `cursor`. See docs/api.md."
)


class OkrApi(Api):
    """flask-smorest's Api with problem details as every error's documented body, and no
    app-wide error handler (flask-smorest's would answer the HTML pages' errors with JSON)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """None app-wide: each API blueprint has its own (okr.api.blueprint)."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


TOKEN_SHAPE = re.compile(r"okr_(pat|svc)_[A-Za-z0-9_-]{43}")


def rate_key() -> str:
    """Requests are counted per token (its digest: the secret never reaches the storage);
    without something shaped like a token, per client address."""
    secret = bearer_secret()
    if TOKEN_SHAPE.fullmatch(secret):
        return f"token:{digest(secret)}"
    return f"address:{get_remote_address()}"


def limiter_storage(app: Flask) -> str:
    """Shared by every worker when the queue is on Redis; in this process otherwise."""
    url = queue_url(app)
    return url if url.startswith(("redis://", "rediss://")) else "memory://"


def _configure(app: Flask) -> None:
    app.config.update(
        API_TITLE="OKR",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=blueprint.PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": DESCRIPTION},
            "security": [{"bearer": []}],
            "servers": [{"url": "/"}],
        },
    )
    app.config.setdefault("RATELIMIT_STORAGE_URI", limiter_storage(app))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)


def init_app(app: Flask) -> None:
    """The document, the limiter and every API blueprint on this app."""
    from okr.api import okr_views as _okr_views  # noqa: F401  (the routes of the blueprints)
    from okr.api import org_views as _org_views  # noqa: F401
    from okr.api import value_views as _value_views  # noqa: F401

    _configure(app)
    api = OkrApi(app)
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "okr_pat_… or okr_svc_…"}
    )
    limiter = Limiter(get_remote_address, app=app, key_prefix="okr-api")
    rate = limiter.shared_limit(
        lambda: str(app.config["API_RATE_LIMIT"]), scope="api", key_func=rate_key
    )
    for bp in blueprint.BLUEPRINTS:
        rate(bp)
        csrf.exempt(bp)
        api.register_blueprint(bp)
    app.url_map.converters["rest_of_path"] = blueprint.RestOfPath
    app.register_blueprint(blueprint.fallback)
    csrf.exempt(blueprint.fallback)
    app.extensions["okr.api"] = api
