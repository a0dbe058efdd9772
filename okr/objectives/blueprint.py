"""The blueprint of okr.objectives: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("okrs", __name__, url_prefix="/okrs")
