"""The blueprint of okr.peer_reviews: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("peer_forms", __name__, url_prefix="/reviews/peer-forms")
