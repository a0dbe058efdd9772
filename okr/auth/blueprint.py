"""The blueprint of okr.auth: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)
