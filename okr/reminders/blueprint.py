"""The blueprint of okr.reminders: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/reminders")
