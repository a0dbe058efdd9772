"""The weekly check-in reminders: due at the set time, a nudge later in the same week.

Both go to the active people owning key results in the running cycle with none checked in
since this week's Monday: exactly those the team view and the 周报 show as not checked in
(okr.team.queries.not_checked_in), found in one grouped query for the whole company.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Row, Select, case, func, or_, select

from okr.cycles.models import Cycle
from okr.extensions import db
from okr.notify.kinds import notice_kind
from okr.notify.models import Notice
from okr.notify.outbox import Post
from okr.objectives.models import KeyResult, Objective
from okr.org.models import Person
from okr.org.queries import among
from okr.reminders.common import Planned, Week, app_path, by_language

CHECKIN_DUE, CHECKIN_NUDGE = "checkin_due", "checkin_nudge"
TITLES = {
    CHECKIN_DUE: _l("Time for your weekly check-in"),
    CHECKIN_NUDGE: _l("Your weekly check-in is still missing"),
}


def _late(cycle_id: int, began: datetime) -> Select:  # type: ignore[type-arg]
    """Owners of key results in the cycle with no check-in since `began`, and how many of
    their key results wait for this week's value."""
    last = func.max(KeyResult.last_checkin_at)
    stale = or_(KeyResult.last_checkin_at.is_(None), KeyResult.last_checkin_at < began)
    return (
        select(
            Objective.owner_id.label("owner_id"),
            func.sum(case((stale, 1), else_=0)).label("waiting"),
        )
        .join(KeyResult, KeyResult.objective_id == Objective.id)
        .where(Objective.cycle_id == cycle_id, Objective.level == "individual")
        .group_by(Objective.owner_id)
        .having(or_(last.is_(None), last < began))
    )


def stragglers(cycle: Cycle, week: Week) -> list[Row]:  # type: ignore[type-arg]
    """Everyone active not checked in this week: id, name, language, manager, waiting KRs."""
    late = _late(cycle.id, week.began).subquery()
    return list(
        db.session.execute(
            select(Person.id, Person.name, Person.locale, Person.manager_id, late.c.waiting)
            .join(late, late.c.owner_id == Person.id)
            .where(Person.active)
            .order_by(Person.name, Person.id)
        ).all()
    )


def checkin_notices(
    kind: str,
    cycle: Cycle,
    week: Week,
    missing: list[Row],  # type: ignore[type-arg]
) -> list[Planned]:
    """One notice per person not checked in, keyed by the week so each is posted once."""
    planned = []
    link = app_path("checkins.index")
    for _language, people in by_language(missing, lambda r: r.locale):
        title = str(TITLES[kind])
        for person in people:
            line = ngettext(
                "%(num)d key result has no value for this week yet.",
                "%(num)d key results have no value for this week yet.",
                int(person.waiting),
            )
            post = Post(
                kind=kind,
                key=f"{kind}:{week.label}:person:{person.id}",
                title=title,
                lines=[line, str(_l("Check in on My week before the week closes."))],
                link=link,
                person_id=person.id,
                params={"cycle_id": cycle.id, "began": week.began.isoformat()},
                not_before=week.not_before,
            )
            planned.append(Planned(post, person.name))
    return planned


def still_missing(notices: Sequence[Notice]) -> list[bool]:
    """Still due while the person has key results in the cycle and none checked in this week:
    one query per cycle and week among the notices (a batch is usually one week's)."""
    weeks: dict[tuple[int, str], set[int]] = {}
    for notice in notices:
        weeks.setdefault((notice.params["cycle_id"], notice.params["began"]), set()).add(
            notice.person_id or 0
        )
    late: set[tuple[int, str, int]] = set()
    for (cycle_id, began), people in weeks.items():
        stmt = _late(cycle_id, datetime.fromisoformat(began)).where(
            among(Objective.owner_id, people)
        )
        late.update((cycle_id, began, row.owner_id) for row in db.session.execute(stmt))
    return [(n.params["cycle_id"], n.params["began"], n.person_id or 0) in late for n in notices]


def _sample(kind: str) -> tuple[str, list[str], str | None]:
    line = ngettext(
        "%(num)d key result has no value for this week yet.",
        "%(num)d key results have no value for this week yet.",
        2,
    )
    return str(TITLES[kind]), [line], app_path("checkins.index")


notice_kind(
    CHECKIN_DUE,
    _l("Weekly check-in due"),
    sample=lambda: _sample(CHECKIN_DUE),
    still_due=still_missing,
)
notice_kind(
    CHECKIN_NUDGE,
    _l("Second check-in nudge"),
    sample=lambda: _sample(CHECKIN_NUDGE),
    still_due=still_missing,
)
