"""The blueprint of okr.team: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("team", __name__, url_prefix="/team")
