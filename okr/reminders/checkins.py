"""The weekly check-in reminders: due at the set time, a nudge later in the same week.

Both go to the active people owning key results in the running cycle with none checked in
since this week's Monday: exactly those the team view and the 周报 show as not checked in
(okr.team.queries.not_checked_in), found in one grouped query for the whole company.

A cycle that checks in three times a month or monthly (its calendar, okr.cycles.calendar) has
one round per 旬 or month instead: "since the period began", the reminder at the due time two
days before the period's last day, the nudge at the nudge time on its last day, each keyed by
the period (2026-12-D2) so it is sent once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Row, Select, case, func, or_, select

from okr.cycles.models import Cycle
from okr.db import local_date
from okr.domain.cadence import Cadence, checkin_period
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


@dataclass(frozen=True)
class Round:
    """One check-in round of a cycle: its key, when it began, when to remind and to nudge."""

    label: str
    began: datetime  # UTC
    weekly: bool
    due_at: datetime
    nudge_at: datetime


def checkin_round(cycle: Cycle, week: Week) -> Round:
    """The round holding the moment planned for, by the cycle's cadence."""
    calendar = week.calendar
    if cycle.checkin_cadence == Cadence.WEEKLY:
        due_at = calendar.at(week.monday, calendar.due_weekday, calendar.due_time)
        nudge_at = calendar.at(week.monday, calendar.nudge_weekday, calendar.nudge_time)
        return Round(week.label, week.began, True, due_at, nudge_at)
    period = checkin_period(cycle.checkin_cadence, local_date(week.now))
    zone = ZoneInfo(current_app.config["TIMEZONE"])  # the app's days, as My week counts them
    began = datetime.combine(period.start, time(), tzinfo=zone).astimezone(UTC)
    due_day = max(period.start, period.end - timedelta(days=2))

    def at(day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=calendar.zone).astimezone(UTC)

    return Round(
        period.label,
        began,
        False,
        at(due_day, calendar.due_time),
        at(period.end, calendar.nudge_time),
    )


def stragglers(cycle: Cycle, began: datetime) -> list[Row]:  # type: ignore[type-arg]
    """Everyone active not checked in since `began` (the round's start): id, name, language,
    manager, waiting KRs."""
    late = _late(cycle.id, began).subquery()
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
    round_: Round,
    missing: list[Row],  # type: ignore[type-arg]
) -> list[Planned]:
    """One notice per person not checked in, keyed by the round so each is posted once."""
    planned = []
    link = app_path("checkins.index")
    for _language, people in by_language(missing, lambda r: r.locale):
        title = str(TITLES[kind])
        for person in people:
            lines = _lines(int(person.waiting), round_.weekly)
            post = Post(
                kind=kind,
                key=f"{kind}:{round_.label}:person:{person.id}",
                title=title,
                lines=lines,
                link=link,
                person_id=person.id,
                params={"cycle_id": cycle.id, "began": round_.began.isoformat()},
                not_before=week.not_before,
            )
            planned.append(Planned(post, person.name))
    return planned


def _lines(waiting: int, weekly: bool) -> list[str]:
    if weekly:
        return [
            ngettext(
                "%(num)d key result has no value for this week yet.",
                "%(num)d key results have no value for this week yet.",
                waiting,
            ),
            str(_l("Check in on My week before the week closes.")),
        ]
    return [
        ngettext(
            "%(num)d key result has no value for this period yet.",
            "%(num)d key results have no value for this period yet.",
            waiting,
        ),
        str(_l("Check in on My week before the period closes.")),
    ]


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
