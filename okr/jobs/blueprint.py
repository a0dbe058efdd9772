"""The blueprint of okr.jobs: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
