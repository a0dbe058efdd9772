"""The blueprint of okr.kr_templates: its view modules add their routes to it (see okr.wiring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("kr_templates", __name__, url_prefix="/okrs/templates", cli_group="templates")
