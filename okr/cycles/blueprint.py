"""The blueprint of okr.cycles: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/cycles")
