"""The blueprint of okr.alignment: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("alignment", __name__, url_prefix="/alignment")
