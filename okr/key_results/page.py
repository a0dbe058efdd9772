"""A key result's page: its definition, progress explained, history chart and the check-in log.

Drawn in a fixed number of queries whatever the size of the log: the chart takes the last value
of each week (grouped in SQL) and the log is paginated.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from flask import Response, abort, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import Select, bindparam, select

from okr.access import ensure
from okr.checkins.services import latest_checkins, log_query, weekly_values
from okr.cycles.rules import checkins_open
from okr.domain.krspec import KRKind
from okr.extensions import db
from okr.key_results.blueprint import bp
from okr.key_results.chart import ChartText, history_svg
from okr.key_results.sources import SOURCE_LABELS
from okr.objectives import access
from okr.objectives.explaining import explain_key_result
from okr.objectives.models import KeyResult, Objective
from okr.objectives.rules import format_tiers
from okr.web import render

LOG_PAGE_SIZE = 20
CHART_WEEKS = 60


def history_chart(kr: KeyResult) -> Markup:
    """The weekly history as SVG (the chart escapes every text it draws)."""
    cycle = kr.objective.cycle
    done = Decimal(1) if kr.kind == KRKind.MILESTONE else None  # a milestone's target is "done"
    target = kr.target if kr.target is not None else done
    text = ChartText(
        title=_("History of “%(title)s”", title=kr.title),
        target=_("Target"),
        start=_("Start"),
        empty=_("No check-ins yet"),
    )
    svg = history_svg(
        weekly_values(kr.id, CHART_WEEKS),
        start=kr.start,
        target=target,
        text=text,
        period=(cycle.start, cycle.end),
        unit=kr.unit,
    )
    return Markup(svg)  # built by okr.key_results.chart, which escapes all text


@cache
def _with_objective() -> Select[tuple[KeyResult]]:
    """The key result :kr_id with its objective's cycle and owner (built once)."""
    return (
        select(KeyResult)
        .where(KeyResult.id == bindparam("kr_id"))
        .options(
            db.joinedload(KeyResult.objective).joinedload(Objective.cycle),
            db.joinedload(KeyResult.objective).joinedload(Objective.owner),
        )
    )


def readable_key_result(kr_id: int) -> KeyResult:
    """A key result the viewer may read, with its objective's cycle and owner."""
    kr = db.session.scalars(_with_objective(), {"kr_id": kr_id}).unique().one_or_none()
    if kr is None:
        abort(404)
    ensure(access.can_read(current_user, kr.objective))
    return kr


@bp.get("/key-results/<int:kr_id>")
@login_required
def detail(kr_id: int) -> Response:
    """Definition, progress with its derivation, weekly chart and the paginated check-in log."""
    kr = readable_key_result(kr_id)
    objective = kr.objective
    page = request.args.get("page", 1, type=int)
    log = db.paginate(log_query(kr.id), page=page, per_page=LOG_PAGE_SIZE, max_per_page=100)
    can_check_in = checkins_open(objective.cycle) and access.can_edit(current_user, objective)
    latest = latest_checkins([kr.id]).get(kr.id) if can_check_in else None
    return render(
        "key_results/detail.html",
        block="log",
        kr=kr,
        objective=objective,
        explanation=explain_key_result(kr, objective.cycle.attainment_cap),
        chart=history_chart(kr),
        log=log,
        tiers=format_tiers(kr.tiers or []),
        source_label=SOURCE_LABELS.get(kr.source, kr.source),
        can_check_in=can_check_in,
        correct_id=latest.id if latest else None,  # only the latest check-in can be corrected
    )
