"""The blueprint of okr.flags: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("flags", __name__, url_prefix="/reviews/flags")
