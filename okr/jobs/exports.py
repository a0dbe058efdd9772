"""Exports as jobs: a page's export is the file at once when it is small, else a background job.

A feature registers how to build an export from plain parameters (`export_kind`); its view
counts the rows with one aggregate query and calls `export_response`. Below OKR_EXPORT_JOB_ROWS
rows (500 by default: a manager's team, a department) the file is built in the request, as a
person expects of a download link; at or above it, a POST asks for a job (one active job per
kind, parameters and person, so a double click finds the job already asked for) and sends the
person to its page, which follows the job and then offers the file; a GET shows a button that
asks for it (a GET never writes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from flask import Response, current_app, redirect, request, send_file, url_for
from flask_babel import force_locale, get_locale
from flask_login import current_user
from flask_wtf import FlaskForm

from okr.jobs import registry
from okr.jobs.registry import job_kind
from okr.jobs.runner import JobContext
from okr.jobs.services import submit
from okr.web import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Build = Callable[[dict[str, Any]], "Export"]


@dataclass(frozen=True)
class Export:
    """A built file: its download name, content type and bytes."""

    name: str
    content_type: str
    content: bytes


def export_kind(
    name: str, title: Any, *, concurrency: int = 2, hr_only: bool = False
) -> Callable[[Build], Build]:
    """Register `build(params)` as the handler of the export job kind `name`.

    The job builds the whole file from its parameters in the asker's language and keeps it; it
    writes nothing else, so a retry (a dropped connection, a lost worker) simply builds again.
    """

    def register(build: Build) -> Build:
        @job_kind(name, title, concurrency=concurrency, hr_only=hr_only)
        def run(context: JobContext) -> None:
            context.progress(0, context.params.get("rows"))
            context.checkpoint()  # the page shows how many rows are coming
            with force_locale(context.params["locale"]):
                made = build(context.params)
            context.save_file(made.name, made.content_type, made.content)

        return build

    return register


def send_export(made: Export) -> Response:
    """The file as a download (a non-ASCII name goes as RFC 5987 `filename*`)."""
    return send_file(
        BytesIO(made.content),
        mimetype=made.content_type,
        as_attachment=True,
        download_name=made.name,
    )


def threshold() -> int:
    """From this many rows on, an export runs as a job (OKR_EXPORT_JOB_ROWS)."""
    return int(current_app.config["EXPORT_JOB_ROWS"])


def export_response(kind: str, params: dict[str, Any], rows: int, build: Build) -> Response:
    """The file now when it has fewer rows than the threshold; else the job (POST) or a button
    that asks for it (GET)."""
    if rows < threshold():
        return send_export(build(params))
    if request.method != "POST":
        return render(
            "jobs/export.html",
            title=registry.title(kind),
            rows=rows,
            action=request.full_path,
            form=FlaskForm(),
        )
    params = {**params, "locale": str(get_locale() or "zh")}
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:32]
    job = submit(kind, {**params, "rows": rows}, current_user.id, key=f"{current_user.id}:{digest}")
    return redirect(url_for("jobs.show", job_id=job.id), code=303)
