"""Reminders before a cycle's windows close (its calendar, okr.cycles.calendar).

"Planning closes soon" goes to each active person whose own objectives in a cycle being planned
are not yet submitted (none yet, or some still a draft or returned), from `review_due_days`
days before the planning window closes, and again on its last day. "Assessment closes soon" goes
to each reviewer (the appraisal's manager) with appraisals still open in the cycle's open
reviews, the same days before the assessment window closes. One query per kind for the whole
company; each notice is keyed by the cycle, the window's last day, early or last day, and the
person, so a second run posts nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select, and_, exists, func, or_, select, true

from okr.cycles.models import Cycle
from okr.cycles.windows import day_label
from okr.db import local_date, utcnow
from okr.extensions import db
from okr.notify.kinds import notice_kind
from okr.notify.models import Notice
from okr.notify.outbox import Post
from okr.objectives.models import Objective
from okr.org.models import Person
from okr.org.queries import among
from okr.reminders.common import Planned, Week, app_path, speaking
from okr.reviews.models import Appraisal, Review

PLANNING_CLOSES, ASSESSMENT_CLOSES = "planning_closes_soon", "assessment_closes_soon"


def _unsubmitted() -> Any:
    """The person has no objective of their own in the cycle, or one still to submit."""
    own = (Objective.cycle_id == Cycle.id, Objective.owner_id == Person.id)
    mine = and_(*own, Objective.level == "individual")
    pending = and_(mine, Objective.status.in_(("draft", "returned")))
    return or_(~exists().where(mine), exists().where(pending))


def _planning() -> Select:  # type: ignore[type-arg]
    """Everyone active whose own OKRs in a cycle being planned are not submitted yet."""
    return (
        select(Cycle.id, Cycle.label, Cycle.planning_closes, Person.id, Person.name, Person.locale)
        .join(Person, true())
        .where(Cycle.status == "planning", Person.active, _unsubmitted())
        .order_by(Cycle.id, Person.name, Person.id)
    )


def _assessment() -> Select:  # type: ignore[type-arg]
    """Each reviewer with appraisals still open in a cycle's open reviews, and how many."""
    return (
        select(
            Cycle.id,
            Cycle.label,
            Cycle.assessment_closes,
            Person.id,
            Person.name,
            Person.locale,
            func.count(Appraisal.id),
        )
        .join(Review, Review.cycle_id == Cycle.id)
        .join(Appraisal, Appraisal.review_id == Review.id)
        .join(Person, Person.id == Appraisal.manager_id)
        .where(Review.status == "open", Appraisal.finalized_at.is_(None), Person.active)
        .group_by(Cycle.id, Cycle.label, Cycle.assessment_closes, Person.id)
        .group_by(Person.name, Person.locale)
        .order_by(Cycle.id, Person.name, Person.id)
    )


def _closing(opens: Any, closes: Any, today: date, days: int) -> Any:
    """The window is open today and closes within `days` days."""
    return and_(opens <= today, closes >= today, closes <= today + timedelta(days=days))


def _title(kind: str, cycle: str, closes: date, today: date) -> str:
    day = day_label(closes, today)
    if kind == PLANNING_CLOSES:
        if closes == today:
            return _("Planning for %(cycle)s closes today", cycle=cycle)
        return _("Planning for %(cycle)s closes on %(day)s", cycle=cycle, day=day)
    if closes == today:
        return _("The assessment of %(cycle)s closes today", cycle=cycle)
    return _("The assessment of %(cycle)s closes on %(day)s", cycle=cycle, day=day)


def _lines(kind: str, open_count: int) -> list[str]:
    if kind == PLANNING_CLOSES:
        return [_("Your objectives are not submitted yet: finish them and submit them.")]
    return [
        ngettext(
            "%(num)d appraisal you review is still open.",
            "%(num)d appraisals you review are still open.",
            open_count,
        )
    ]


def _post(kind: str, row: Any, week: Week) -> Planned:
    cycle_id, label, closes, person_id, name, locale = row[:6]
    today = week.today
    phase = "last" if closes == today else "early"
    with speaking(locale):
        title = _title(kind, label, closes, today)
        lines = _lines(kind, int(row[6]) if len(row) > 6 else 0)
    if kind == PLANNING_CLOSES:
        link = app_path("okrs.person", person_id=person_id, cycle=cycle_id)
    else:
        link = app_path("todo.index")
    post = Post(
        kind=kind,
        key=f"{kind}:{cycle_id}:{closes.isoformat()}:{phase}:person:{person_id}",
        title=title,
        lines=lines,
        link=link,
        person_id=person_id,
        params={"cycle_id": cycle_id},
        not_before=week.not_before,
    )
    return Planned(post, name)


def window_notices(week: Week, on: Any) -> dict[str, list[Planned]]:
    """The notices of both kinds due in the week's moment (one query per kind that is on)."""
    today, days = week.today, week.calendar.review_due_days
    found: dict[str, list[Planned]] = {}
    if on(PLANNING_CLOSES):
        stmt = _planning().where(_closing(Cycle.planning_opens, Cycle.planning_closes, today, days))
        found[PLANNING_CLOSES] = [_post(PLANNING_CLOSES, r, week) for r in db.session.execute(stmt)]
    if on(ASSESSMENT_CLOSES):
        stmt = _assessment().where(
            _closing(Cycle.assessment_opens, Cycle.assessment_closes, today, days)
        )
        found[ASSESSMENT_CLOSES] = [
            _post(ASSESSMENT_CLOSES, r, week) for r in db.session.execute(stmt)
        ]
    return found


def _still(kind: str, notices: Sequence[Notice]) -> list[bool]:
    """Due while the window has not closed and the person still owes it: one query a batch."""
    cycles = {n.params["cycle_id"] for n in notices}
    people = {n.person_id or 0 for n in notices}
    today = local_date(utcnow())
    if kind == PLANNING_CLOSES:
        stmt = _planning().where(Cycle.planning_closes >= today)
    else:
        stmt = _assessment().where(Cycle.assessment_closes >= today)
    stmt = stmt.where(among(Cycle.id, cycles), among(Person.id, people))
    owed = {(row[0], row[3]) for row in db.session.execute(stmt)}
    return [(n.params["cycle_id"], n.person_id) in owed for n in notices]


def _sample(kind: str) -> tuple[str, list[str], str | None]:
    today = local_date(utcnow())
    title = _title(kind, "2026 Q4", today + timedelta(days=3), today)
    link = app_path("okrs.index") if kind == PLANNING_CLOSES else app_path("todo.index")
    return title, _lines(kind, 2), link


notice_kind(
    PLANNING_CLOSES,
    _l("Planning closes soon"),
    sample=lambda: _sample(PLANNING_CLOSES),
    still_due=lambda notices: _still(PLANNING_CLOSES, notices),
)
notice_kind(
    ASSESSMENT_CLOSES,
    _l("Assessment closes soon"),
    sample=lambda: _sample(ASSESSMENT_CLOSES),
    still_due=lambda notices: _still(ASSESSMENT_CLOSES, notices),
)
