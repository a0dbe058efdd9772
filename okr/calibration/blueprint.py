"""The blueprint of okr.calibration: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("calibration", __name__, url_prefix="/reviews/<int:review_id>/calibration")
