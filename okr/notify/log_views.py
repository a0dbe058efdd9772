"""HR's delivery log and preview pages."""

from __future__ import annotations

from flask import Response, request
from flask_babel import get_locale

from okr.access import admin_required
from okr.notify.blueprint import bp
from okr.notify.forms import PLATFORM_LABELS
from okr.notify.kinds import kinds
from okr.notify.labels import STATUS_LABELS
from okr.notify.log_queries import LogFilter, log_page, previews
from okr.web import render


@bp.get("/log")
@admin_required
def delivery_log() -> Response:
    wanted = LogFilter(
        kind=request.args.get("kind", "").strip(),
        status=request.args.get("status", "").strip(),
        person=request.args.get("person", "").strip()[:100],
    )
    rows, paging, totals = log_page(wanted, request.args.get("page", 1, type=int))
    return render(
        "notify/log.html",
        block="log",
        rows=rows,
        paging=paging,
        totals=totals,
        wanted=wanted,
        kinds=sorted(kinds(), key=lambda k: k.name),
        statuses=STATUS_LABELS,
    )


@bp.get("/preview")
@admin_required
def preview() -> Response:
    language = str(get_locale() or "zh")
    return render("notify/preview.html", previews=previews(language), platforms=PLATFORM_LABELS)
