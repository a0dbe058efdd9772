"""The blueprint of okr.notify: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notify", __name__, url_prefix="/notify")
