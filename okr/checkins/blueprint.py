"""The blueprint of okr.checkins: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("checkins", __name__, url_prefix="/week")
