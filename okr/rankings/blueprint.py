"""The blueprint of okr.rankings: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("rankings", __name__, url_prefix="/reviews/<int:review_id>")
