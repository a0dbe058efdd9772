"""The blueprint of okr.review_templates: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("review_templates", __name__, url_prefix="/reviews/templates")
