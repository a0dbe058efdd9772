"""The REST API (/api/v1/): tokens, their scopes and limits, problem details, the endpoints.

`init_app` is called by okr.wiring: it builds the app's flask-smorest `Api` (the OpenAPI 3.1
document at /api/v1/openapi.json), its Flask-Limiter and registers the API blueprints on them.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The API for this app (an `Api` and a `Limiter` per app: tests build several)."""
    from okr.api.framework import init_app as init_framework

    init_framework(app)
