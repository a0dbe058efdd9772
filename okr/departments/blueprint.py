"""The blueprint of okr.departments: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("departments", __name__, url_prefix="/departments")
