"""A manager's team: who has not checked in, everyone's objectives, the weekly report (周报) and its XLSX."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField

from okr.access import ensure
from okr.cycles.models import Cycle
from okr.cycles.queries import chosen_cycle, cycles
from okr.db import local_date, utcnow
from okr.forms import optional_int, options
from okr.jobs.exports import export_response
from okr.labels import status_label
from okr.org.filters import department_field, read_department
from okr.org.queries import is_manager
from okr.team.blueprint import bp
from okr.team.exports import WEEKLY, build_weekly, weekly_params
from okr.team.queries import team_page, team_people, team_query
from okr.team.weekly import WeekColumn, cycle_weeks, report_week, weekly_row_count, weekly_table
from okr.web import render


class TeamFilterForm(FlaskForm):
    """Which cycle, department (admins) and report week the team pages show."""

    class Meta:
        csrf = False

    cycle = SelectField(_l("Cycle"), coerce=optional_int, validate_choice=False)
    department = department_field()
    week = SelectField(_l("Week"), validate_choice=False)


@bp.app_template_global()
def leads_a_team() -> bool:
    """Whether the signed-in person has anyone reporting to them (for the navigation link)."""
    if "leads_a_team" not in g:
        g.leads_a_team = current_user.is_authenticated and is_manager(current_user.id)
    return bool(g.leads_a_team)


def _cycle() -> Cycle | None:
    """The chosen cycle for a manager or admin (403 for anyone else, 404 for an unknown cycle)."""
    ensure(current_user.is_admin or leads_a_team())
    cycle = chosen_cycle(request.args.get("cycle", type=int))
    if cycle is None and request.args.get("cycle"):
        abort(404)
    return cycle


def _filters(cycle: Cycle, weeks: tuple[WeekColumn, ...] = ()) -> tuple[TeamFilterForm, bool]:
    """The filter form with its choices, and whether what was asked for is valid."""
    form = TeamFilterForm(request.args)
    form.cycle.choices = options((c.id, f"{c.label} · {status_label(c.status)}") for c in cycles())
    form.cycle.data = cycle.id
    form.department_id = None
    if not current_user.is_admin:
        form.department.data = None  # a manager's team is their reports, whatever was asked
    elif form.department.validate(form):
        form.department_id = read_department(form.department)
    form.week.choices = options(
        (w.monday.isoformat(), f"{w.label} ({w.first:%m-%d} – {w.last:%m-%d})") for w in weeks
    )
    if weeks and form.week.data and form.week.data not in {c.value for c in form.week.choices}:
        if _is_monday(form.week.data):
            form.week.data = None  # a week of the cycle shown before switching: use the default
        else:
            form.week.errors = [_("Choose a week of %(cycle)s.", cycle=cycle.label)]
    return form, not (form.department.errors or form.week.errors)


def _is_monday(text: str) -> bool:
    try:
        return date.fromisoformat(text).weekday() == 0
    except ValueError:
        return False


def _week(form: TeamFilterForm, weeks: tuple[WeekColumn, ...]) -> WeekColumn:
    if form.week.data:
        return next(w for w in weeks if w.monday == date.fromisoformat(form.week.data))
    week = report_week(weeks, local_date(utcnow()))
    form.week.data = week.monday.isoformat()
    return week


@bp.get("/")
@login_required
def index() -> Response:
    """Who has not checked in this week, and each person's objectives with progress."""
    cycle = _cycle()
    if cycle is None:
        return render("objectives/no_cycle.html")
    form, valid = _filters(cycle)
    data = None
    if valid:
        data = team_page(
            current_user,
            cycle,
            department_id=form.department_id,
            page=request.args.get("page", 1, type=int),
            now=utcnow(),
        )
    return render(
        "team/index.html",
        block="view",
        status=200 if valid else 422,
        cycle=cycle,
        form=form,
        data=data,
    )


@bp.get("/weekly")
@login_required
def weekly() -> Response:
    """The weekly target-vs-actual table (周报): one row per key result, one column per week."""
    cycle = _cycle()
    if cycle is None:
        return render("objectives/no_cycle.html")
    weeks = cycle_weeks(cycle)
    form, valid = _filters(cycle, weeks)
    table = paging = None
    if valid:
        team = team_query(current_user, form.department_id)
        people, paging = team_people(team, request.args.get("page", 1, type=int))
        table = weekly_table(cycle, [p.id for p in people], _week(form, weeks))
    return render(
        "team/weekly.html",
        block="view",
        status=200 if valid else 422,
        cycle=cycle,
        form=form,
        table=table,
        paging=paging,
    )


@bp.route("/weekly.xlsx", methods=["GET", "POST"])
@login_required
def weekly_export() -> Response:
    """The whole team's weekly report as an Excel file (a job for a big team)."""
    cycle = _cycle()
    if cycle is None:
        abort(404)
    weeks = cycle_weeks(cycle)
    form, valid = _filters(cycle, weeks)
    if not valid:
        return render("team/weekly.html", status=422, cycle=cycle, form=form, table=None)
    week = _week(form, weeks)
    rows = weekly_row_count(cycle, team_query(current_user, form.department_id))
    params = weekly_params(cycle, current_user, form.department_id, week)
    return export_response(WEEKLY, params, rows, build_weekly)
