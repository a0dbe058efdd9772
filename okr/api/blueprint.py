"""The API's blueprints: each is signed in by token, answers errors as problem details, and is
rate limited per token (okr.api.framework registers every blueprint of `BLUEPRINTS`).

A new endpoint family (e.g. the bulk values by source_key) makes its blueprint with
`api_blueprint(...)`, lists it in `BLUEPRINTS` and uses `okr.api.auth.requires`,
`okr.api.idempotency.idempotent` and `okr.api.problems.problem`.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from flask import Blueprint as FlaskBlueprint
from flask import current_app, request
from flask_smorest import Blueprint
from werkzeug.exceptions import (
    HTTPException,
    MethodNotAllowed,
    NotFound,
    UnsupportedMediaType,
    default_exceptions,
)
from werkzeug.routing import PathConverter

from okr.api.auth import sign_in_by_token, use_locale
from okr.api.paging import MAX_ID
from okr.api.problems import http_error, server_error

F = TypeVar("F", bound=Callable[..., Any])
PREFIX = "/api/v1"
ERRORS = (401, 403, 404, 422, 429)  # what every endpoint may answer
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def api_blueprint(name: str, description: str) -> Blueprint:
    """A blueprint of the API under /api/v1 (its name is its tag in the document)."""
    bp = Blueprint(name, __name__, url_prefix=PREFIX, description=description)
    bp.before_request(sign_in_by_token)
    bp.before_request(json_only)
    bp.before_request(known_ids)
    problem_details(bp)
    bp.register_error_handler(Exception, server_error)
    return bp


def problem_details(bp: FlaskBlueprint) -> None:
    """Every HTTP error of the blueprint as a problem (by code: Flask prefers the app's handler
    of a code, the HTML page, to a blueprint's handler of a class)."""
    for code in default_exceptions:
        bp.register_error_handler(code, http_error)
    bp.register_error_handler(HTTPException, http_error)


def known_ids() -> None:
    """An id in the path beyond 32 bits names nothing: 404 (the database would refuse it).

    Checked here, not by the route's converter: a converter's refusal is a routing 404, which
    is answered by the app's HTML page, not as a problem."""
    if any(isinstance(v, int) and v > MAX_ID for v in (request.view_args or {}).values()):
        raise NotFound()


def json_only() -> None:
    """A body is JSON here (415 otherwise), so no form post of a browser reaches the API."""
    if request.method in ("POST", "PUT", "PATCH") and not request.is_json:
        raise UnsupportedMediaType()


def errors(*codes: int) -> Callable[[F], F]:
    """Document an endpoint's problem answers (flask-smorest's named responses, all
    application/problem+json: okr.api.framework.OkrApi)."""

    def decorate(view: F) -> F:
        for code in codes:
            view = okrs.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return decorate


okrs = api_blueprint("api_okrs", "Objectives, key results and check-ins")
org = api_blueprint("api_org", "People and departments (HR)")
results = api_blueprint("api_results", "Released appraisal results (HR)")
BLUEPRINTS = [okrs, org, results]


class RestOfPath(PathConverter):
    """The rest of the path, like `path`, with newlines (%0A) too: `path` stops at one, and
    such an address got the HTML 404 page instead of a problem (found by Schemathesis)."""

    regex = "(?s:[^/].*?)"


# The tokens page and the docs page (HTML, signed in by the browser's session), and the answer
# to any other address under /api/v1 (a problem, not the HTML 404 page).
pages = FlaskBlueprint("api_pages", __name__)
fallback = FlaskBlueprint("api_fallback", __name__, url_prefix=PREFIX)
fallback.before_request(use_locale)
problem_details(fallback)


@fallback.route("/", defaults={"rest": ""}, methods=METHODS, endpoint="catch_all")
@fallback.route("/<rest_of_path:rest>", methods=METHODS, endpoint="catch_all")
def catch_all(rest: str) -> None:
    """404 for an unknown address; 405 with Allow for a known one asked the wrong way."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in METHODS:
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "api_fallback.catch_all":
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=[*allowed, "HEAD"] if "GET" in allowed else allowed)
    raise NotFound()
