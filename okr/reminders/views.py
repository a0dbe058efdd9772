"""HR's reminder pages: the company's calendar, and what the planner would post and has posted."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from okr.access import admin_required
from okr.db import utcnow
from okr.reminders import page as reminders_page
from okr.reminders.blueprint import bp
from okr.reminders.calendar import KIND_LABELS, load_calendar, save_calendar
from okr.reminders.forms import CalendarForm, DryRunForm
from okr.web import invalid_status, render


@bp.route("/calendar", methods=["GET", "POST"])
@admin_required
def calendar() -> Response:
    """The company's reminder calendar; refused input comes back beside its field (422)."""
    form = CalendarForm()
    if not form.is_submitted():
        form.fill(load_calendar())
    elif form.validate():
        save_calendar(form.calendar())
        flash(_("Reminder calendar saved."), "success")
        return redirect(url_for("reminders.calendar"), 303)  # type: ignore[return-value]
    return render("reminders/calendar.html", block="form", form=form, status=invalid_status(form))


@bp.get("/")
@admin_required
def index() -> Response:
    """A dry run at a chosen moment (now by default) and one page of the notices posted."""
    form = DryRunForm(request.args)
    at = utcnow()
    if form.at.data:
        chosen = reminders_page.moment(form.at.data, load_calendar())
        if chosen is None:
            form.at.errors = [_("Enter a moment such as 2026-12-04 16:00.")]
        else:
            at = chosen
    run = None if form.at.errors else reminders_page.dry_run(at)
    posted, paging = reminders_page.recent(request.args.get("page", 1, type=int))
    status = 422 if form.at.errors else 200
    return render(
        "reminders/index.html",
        block="view",
        form=form,
        run=run,
        posted=posted,
        paging=paging,
        labels=KIND_LABELS,
        status=status,
    )
