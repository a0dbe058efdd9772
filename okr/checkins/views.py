"""My week: every key result I own in a cycle on one page, checked in inline in a few keystrokes.

The check-in posts with htmx and gets back the key result's row plus out-of-band progress of its
objective and every objective above it; without JavaScript it is a plain POST and a 303 back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import aliased

from okr.access import ensure
from okr.checkins.blueprint import bp
from okr.checkins.due import due, this_period
from okr.checkins.forms import CheckInForm
from okr.checkins.services import latest_checkins, record_checkin
from okr.cycles.calendar import CADENCES
from okr.cycles.models import Cycle
from okr.cycles.queries import chosen_cycle, cycles
from okr.cycles.rules import checkins_open
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.forms import options
from okr.objectives import access
from okr.objectives.chain import ChainNode
from okr.objectives.models import CheckIn, KeyResult, Objective
from okr.objectives.progress import rolled_up_chain
from okr.objectives.rules import LEVELS
from okr.org.models import Person
from okr.web import form_errors, invalid_status, render, wants_fragment


@dataclass
class KRRow:
    """A key result as a row: latest state, whether it is due, and its form or why there is none."""

    kr: KeyResult
    last: CheckIn | None
    due: bool
    form: CheckInForm | None  # the row's own (as typed, re-shown) or the page's blank one
    closed: str | None = None
    typed: bool = False  # the form holds what was posted for this row
    saved: bool = False
    stale: bool = False
    autofocus: bool = False
    correcting: Any = (
        None  # okr.checkins.correction_views.Correcting while the last one is corrected
    )
    weekly: bool = True  # the cycle's cadence is weekly ("this week"), else "this period"


@dataclass
class Group:
    objective: Objective
    rows: list[KRRow]


def closed_reason(cycle: Cycle) -> str | None:
    """Why check-ins are not taken in this cycle now, or None while they are."""
    if checkins_open(cycle):
        return None
    if cycle.status == "planning":
        return _("Check-ins open when the cycle starts running; it is still being planned.")
    return _("This cycle is closed: its values are final and no more check-ins are taken.")


def blank_form() -> CheckInForm:
    """The empty check-in form every row of this response draws (a row takes its key result's
    version and confidence): one form and its words per response, not one per key result. Its
    labels are translated once, in the language of the response."""
    if "okr_blank_checkin" not in g:
        form = CheckInForm(formdata=None)
        for field in (form.value, form.confidence, form.note):
            field.label.text = str(field.label.text)
        form.note.description = str(form.note.description)
        form.confidence.choices = options((c.value, str(c.label)) for c in form.confidence.choices)
        g.okr_blank_checkin = form
    return g.okr_blank_checkin  # type: ignore[no-any-return]


def make_row(
    kr: KeyResult,
    cycle: Cycle,
    editable: bool,
    last: CheckIn | None,
    form: CheckInForm | None = None,
) -> KRRow:
    """The row of one key result; the form is left out when check-ins are closed or not allowed."""
    closed = closed_reason(cycle)
    if closed is None and not editable:
        closed = _("Only the owner and their managers check in on this key result.")
    state = {"due": due(kr, cycle), "weekly": cycle.checkin_cadence == "weekly"}
    if closed:
        return KRRow(kr, last, form=None, closed=closed, **state)
    if form is None:
        return KRRow(kr, last, form=blank_form(), **state)
    return KRRow(kr, last, form=form, typed=True, **state)


def _my_objectives(viewer: Person, cycle: Cycle) -> list[Objective]:
    objectives = db.session.scalars(_mine(), {"cycle_id": cycle.id, "owner_id": viewer.id}).all()
    return sorted(objectives, key=lambda o: LEVELS.index(o.level))


def objectives_up(objective_ids: list[int], viewer: Person) -> list[Objective]:
    """These objectives and every objective they align up to that the viewer may read (one query)."""
    if not objective_ids:
        return []
    kind, params = access.readable_params(viewer)
    found = db.session.scalars(_up(*kind), {"ids": objective_ids, **params}).all()
    return sorted(found, key=lambda o: (LEVELS.index(o.level), o.id))


# My week's statements, built once (building costs more CPU than PostgreSQL spends on them).


@cache
def _mine() -> Select[tuple[Objective]]:
    """The objectives :owner_id owns in :cycle_id, with their key results."""
    return (
        select(Objective)
        .where(Objective.cycle_id == bindparam("cycle_id"))
        .where(Objective.owner_id == bindparam("owner_id"))
        .options(db.selectinload(Objective.key_results))
        .order_by(Objective.position, Objective.id)
    )


@cache
def _up(admin: bool, transparent: bool) -> Select[tuple[Objective]]:
    """The objectives :ids and all they align up to, that :viewer_id may read.

    The chain carries whole rows, so the access filter reads only the chain's dozen rows: with
    `objective.id IN (chain)` PostgreSQL scanned every objective of the company for the filter."""
    row = Objective.__table__.c
    up = select(row).where(row.id.in_(bindparam("ids", expanding=True))).cte("up", recursive=True)
    up = up.union(select(row).join(up, row.id == up.c.parent_id))
    chain = aliased(Objective, up)
    readable = access.readable_by(
        bindparam("viewer_id"),
        bindparam("viewer_department_id"),
        admin=admin,
        transparent=transparent,
        objective=chain,
    )
    return select(chain).where(readable)


def _groups(viewer: Person, cycle: Cycle, objectives: list[Objective]) -> list[Group]:
    editable: dict[tuple[str, int, int | None], bool] = {}
    krs = [kr for o in objectives for kr in o.key_results]
    last = latest_checkins([kr.id for kr in krs])
    groups = []
    for objective in objectives:
        if not objective.key_results:
            continue
        key = (objective.level, objective.owner_id, objective.department_id)
        if key not in editable:  # one answer per kind of objective, not a query per row
            editable[key] = access.can_edit(viewer, objective)
        rows = [make_row(kr, cycle, editable[key], last.get(kr.id)) for kr in objective.key_results]
        groups.append(Group(objective, rows))
    return groups


@bp.get("/")
@login_required
def index() -> Response:
    """My key results in the chosen cycle, grouped by objective, each with its check-in form."""
    cycle = chosen_cycle(request.args.get("cycle", type=int))
    if cycle is None:
        return render("objectives/no_cycle.html")
    objectives = _my_objectives(current_user, cycle)
    own = {o.id for o in objectives}
    groups = _groups(current_user, cycle, objectives)
    first_due = next((r for g in groups for r in g.rows if r.due and r.form), None)
    if first_due:  # the cursor starts where the work is: type the value, press Enter
        first_due.autofocus = True
    return render(
        "checkins/index.html",
        cycle=cycle,
        cycles=cycles(),
        groups=groups,
        rolls_up=[o for o in objectives_up(list(own), current_user) if o.id not in own],
        closed=closed_reason(cycle),
        period=this_period(cycle),
        cadences=CADENCES,
        due_count=sum(row.due for group in groups for row in group.rows),
    )


@cache
def _to_edit() -> Select[tuple[KeyResult]]:
    """The key result :kr_id as stored now, with objective and cycle (built once)."""
    return (
        select(KeyResult)
        .where(KeyResult.id == bindparam("kr_id"))
        .options(db.joinedload(KeyResult.objective).joinedload(Objective.cycle))
        .execution_options(populate_existing=True)
    )


def key_result_to_edit(kr_id: int) -> KeyResult:
    """The key result with objective and cycle, for someone allowed to check in on it."""
    kr = db.session.execute(_to_edit(), {"kr_id": kr_id}).scalar_one_or_none()
    if kr is None:
        abort(404)
    ensure(access.can_edit(current_user, kr.objective))
    return kr


def _row_page(kr: KeyResult, form: CheckInForm, status: int, stale: bool = False) -> Response:
    row = make_row(kr, kr.objective.cycle, True, latest_checkins([kr.id]).get(kr.id), form)
    row.stale = stale
    return render("checkins/check_in.html", block="row", status=status, row=row, kr=kr)


def chain_of(objective: Objective, viewer: Person) -> list[ChainNode]:
    """An objective and every objective above it that the viewer may read, with the figures
    the request's roll-up just stored (no query for them)."""
    chain = rolled_up_chain(objective.id)
    if chain is None:  # every check-in and correction rolls up: a bug, not a state to show
        raise RuntimeError(f"objective {objective.id} was not rolled up in this transaction")
    mine, *above = chain  # the viewer checked in on it: they may read it
    readable = [mine, *(node for node in above if access.can_read(viewer, node))]
    return sorted(readable, key=lambda o: (LEVELS.index(o.level), o.id))


def _saved(kr: KeyResult, checkin: CheckIn) -> Response:
    """The row as just saved, with its objective's and every parent's new progress."""
    if not wants_fragment():
        flash(_("Check-in saved: %(title)s.", title=kr.title), "success")
        if kr.objective.owner_id == current_user.id:
            back = url_for("checkins.index", cycle=kr.objective.cycle_id)
        else:  # a manager checking in for someone: their key result's page
            back = url_for("key_results.detail", kr_id=kr.id)
        return redirect(f"{back}#kr-{kr.id}", code=303)
    return saved_row(kr, checkin)


def saved_row(kr: KeyResult, checkin: CheckIn) -> Response:
    """The row fragment after a check-in or correction, with progress out of band and an event."""
    chain = chain_of(kr.objective, current_user)
    row = make_row(kr, kr.objective.cycle, True, checkin)
    row.saved = True
    response = render("checkins/_saved.html", row=row, kr=kr, chain=chain)
    event = {"key_result": kr.id, "objectives": [o.id for o in chain]}
    response.headers["HX-Trigger"] = json.dumps({"okr:progress-changed": event})
    return response


def commit_and_keep() -> None:
    """Flush, and draw the response from what this request wrote (no re-reading it).

    The request commits when it ends (okr.unit_of_work), after the response is drawn."""
    db.session.flush()


@bp.route("/key-results/<int:kr_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in(kr_id: int) -> Response:
    """Record a new value, confidence and note; a stale or invalid entry comes back as typed."""
    kr = key_result_to_edit(kr_id)
    form = CheckInForm(confidence=kr.confidence or "on_track", version=kr.version)
    if not form.validate_on_submit():
        return _row_page(kr, form, invalid_status(form))
    try:
        checkin = record_checkin(
            kr,
            form.value.data or "",
            form.confidence.data or "",
            form.note.data or "",
            current_user,
            form.opened_version,
        )
    except Invalid as exc:
        form_errors(form, exc)
        return _row_page(kr, form, 422)
    except StaleEdit:
        db.session.rollback()
        kr = key_result_to_edit(kr_id)
        form.version.data = str(kr.version)
        return _row_page(kr, form, 422, stale=True)
    commit_and_keep()
    return _saved(kr, checkin)
