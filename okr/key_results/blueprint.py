"""The blueprint of okr.key_results: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("key_results", __name__, url_prefix="/okrs")
