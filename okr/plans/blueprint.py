"""The blueprint of okr.plans: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/reviews/appraisals/<int:appraisal_id>/plan")
