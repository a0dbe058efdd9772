"""The blueprint of okr.todo: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("todo", __name__, url_prefix="/reviews/todo")
