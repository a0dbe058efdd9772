"""Objectives, key results and check-ins: the pages' services and access rules, as JSON.

A key result that does not exist is 404; one the token's owner may not read (or, for a
check-in, change) is 403, as on the pages.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from okr.access import ensure
from okr.api.auth import current_token, requires
from okr.api.blueprint import ERRORS, errors
from okr.api.blueprint import okrs as bp
from okr.api.idempotency import DOC, idempotent
from okr.api.paging import Order, PageArgs, page
from okr.api.problems import problem, refuse
from okr.api.schemas import (
    CheckInBody,
    CheckInPage,
    CheckInSchema,
    CycleArgs,
    KeyResultDetailSchema,
    ObjectiveSchema,
)
from okr.checkins.services import latest_checkins, record_checkin
from okr.checkins.views import key_result_to_edit
from okr.cycles.models import Cycle
from okr.cycles.queries import chosen_cycle
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.key_results.page import readable_key_result
from okr.objectives import access
from okr.objectives.models import CheckIn, Objective
from okr.objectives.queries import load_set
from okr.org.models import Department, Person


def _cycle(args: dict[str, Any]) -> Cycle:
    cycle = chosen_cycle(args["cycle"])
    if cycle is None:
        abort(404)
    return cycle


@bp.route("/me/objectives")
@requires("read")
@bp.arguments(CycleArgs, location="query")
@bp.response(200, ObjectiveSchema(many=True))
@errors(*ERRORS)
def my_objectives(args: dict[str, Any]) -> list[Objective]:
    """My objectives and key results in the running cycle (or `cycle`)."""
    return load_set(_cycle(args), "individual", owner_id=current_user.id)


@bp.route("/people/<int:person_id>/objectives")
@requires("read")
@bp.arguments(CycleArgs, location="query")
@bp.response(200, ObjectiveSchema(many=True))
@errors(*ERRORS)
def person_objectives(args: dict[str, Any], person_id: int) -> list[Objective]:
    """A person's objectives and key results, if the token's owner may read them."""
    owner = db.get_or_404(Person, person_id)
    probe = Objective(level="individual", owner_id=owner.id, department_id=owner.department_id)
    ensure(access.can_read(current_user, probe))
    return load_set(_cycle(args), "individual", owner_id=owner.id)


@bp.route("/departments/<int:department_id>/objectives")
@requires("read")
@bp.arguments(CycleArgs, location="query")
@bp.response(200, ObjectiveSchema(many=True))
@errors(*ERRORS)
def department_objectives(args: dict[str, Any], department_id: int) -> list[Objective]:
    """A department's objectives and key results (everyone signed in reads them)."""
    department = db.get_or_404(Department, department_id)
    return load_set(_cycle(args), "department", department_id=department.id)


@bp.route("/key-results/<int:kr_id>")
@requires("read")
@bp.response(200, KeyResultDetailSchema)
@errors(*ERRORS)
def key_result(kr_id: int) -> Any:
    """A key result with its latest standing check-in (null before the first)."""
    kr = readable_key_result(kr_id)
    kr.latest_checkin = latest_checkins([kr.id]).get(kr.id)
    return kr


@bp.route("/key-results/<int:kr_id>/check-ins")
@requires("read")
@bp.arguments(PageArgs, location="query")
@bp.response(200, CheckInPage)
@errors(*ERRORS)
def check_ins(args: dict[str, Any], kr_id: int) -> dict[str, Any]:
    """A key result's check-ins, newest first, a page at a time."""
    kr = readable_key_result(kr_id)
    stmt = select(CheckIn).where(CheckIn.key_result_id == kr.id)
    order = Order(CheckIn.created_at, CheckIn.id, descending=True)
    rows, cursor = page(stmt, order, args, lambda c: (c.created_at, c.id))
    return {"items": rows, "next_cursor": cursor}


@bp.route("/key-results/<int:kr_id>/check-ins", methods=["POST"])
@requires("checkin")
@idempotent
@bp.arguments(CheckInBody)
@bp.response(201, CheckInSchema)
@bp.doc(**DOC)
@errors(400, 409, 415, *ERRORS)
def post_check_in(body: dict[str, Any], kr_id: int) -> Any:
    """Record a check-in as the token's owner (who must be allowed to check in on it)."""
    kr = key_result_to_edit(kr_id)
    try:
        return record_checkin(
            kr,
            body["value"],
            body["confidence"],
            body["note"],
            current_user,
            None,
            origin="api",
            origin_ref=f"token {current_token().id}",
        )
    except Invalid as exc:
        refuse(exc.errors)
    except StaleEdit:
        return problem(409, _("Someone saved this key result at the same moment: try again."))
