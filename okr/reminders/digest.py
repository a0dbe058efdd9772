"""The manager's weekly digest: which direct reports have not checked in, their key results at
risk or off track, and their OKR sets waiting for the manager's approval.

One query per part for the whole company (the stragglers are the check-in reminders' own); a
manager with nothing to be told gets nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Row, func, select

from okr.cycles.models import Cycle
from okr.extensions import db
from okr.labels import CONFIDENCE_LABELS
from okr.notify.kinds import notice_kind
from okr.notify.outbox import Post
from okr.objectives.models import KeyResult, Objective
from okr.org.models import Person
from okr.org.queries import among
from okr.reminders.common import Planned, Week, app_path, by_language, name_list

MANAGER_DIGEST = "manager_digest"
SHOWN = 20  # names or key results listed per part; the rest are counted
TITLE = _l("Your team this week")


@dataclass
class Digest:
    missing: list[str] = field(default_factory=list)
    risky: list[tuple[str, str, str]] = field(default_factory=list)  # person, KR, confidence
    waiting: list[tuple[str, int]] = field(default_factory=list)  # person, objectives


def _risky(cycle: Cycle) -> list[Row]:  # type: ignore[type-arg]
    return list(
        db.session.execute(
            select(Person.manager_id, Person.name, KeyResult.title, KeyResult.confidence)
            .join(Objective, Objective.owner_id == Person.id)
            .join(KeyResult, KeyResult.objective_id == Objective.id)
            .where(
                Person.active,
                Person.manager_id.is_not(None),
                Objective.cycle_id == cycle.id,
                Objective.level == "individual",
                KeyResult.confidence.in_(("at_risk", "off_track")),
            )
            .order_by(Person.name, Person.id, KeyResult.id)
        )
    )


def _waiting() -> list[Row]:  # type: ignore[type-arg]
    """Direct reports' individual sets submitted for approval in cycles not closed."""
    return list(
        db.session.execute(
            select(Person.manager_id, Person.name, func.count(Objective.id))
            .join(Objective, Objective.owner_id == Person.id)
            .join(Cycle, Cycle.id == Objective.cycle_id)
            .where(
                Person.active,
                Person.manager_id.is_not(None),
                Cycle.status != "closed",
                Objective.level == "individual",
                Objective.status == "submitted",
            )
            .group_by(Person.manager_id, Person.id, Person.name)
            .order_by(Person.name, Person.id)
        )
    )


def digests(cycle: Cycle, missing: list[Row]) -> dict[int, Digest]:  # type: ignore[type-arg]
    """Each manager's digest, from the week's stragglers and two more queries."""
    found: dict[int, Digest] = defaultdict(Digest)
    for person in missing:
        if person.manager_id is not None:
            found[person.manager_id].missing.append(person.name)
    for manager_id, name, title, confidence in _risky(cycle):
        found[manager_id].risky.append((name, title, confidence))
    for manager_id, name, count in _waiting():
        found[manager_id].waiting.append((name, count))
    return found


def _lines(digest: Digest, weekly: bool = True) -> list[str]:
    lines = []
    if digest.missing:
        names = name_list(digest.missing[:SHOWN])
        more = len(digest.missing) - SHOWN
        if weekly:
            lines.append(_("Not checked in this week: %(names)s", names=names))
        else:
            lines.append(_("Not checked in this period: %(names)s", names=names))
        if more > 0:
            lines.append(_("… and %(num)d more not checked in", num=more))
    for name, title, confidence in digest.risky[:SHOWN]:
        word = str(CONFIDENCE_LABELS[confidence])
        lines.append(_("%(name)s · %(kr)s: %(status)s", name=name, kr=title, status=word))
    if len(digest.risky) > SHOWN:
        more = len(digest.risky) - SHOWN
        lines.append(_("… and %(num)d more key results at risk or off track", num=more))
    for name, count in digest.waiting[:SHOWN]:
        lines.append(
            ngettext(
                "Waiting for your approval: %(name)s (%(num)d objective)",
                "Waiting for your approval: %(name)s (%(num)d objectives)",
                count,
                name=name,
            )
        )
    return lines


def digest_notices(
    cycle: Cycle,
    week: Week,
    missing: list[Row],  # type: ignore[type-arg]
    weekly: bool = True,  # the cycle checks in weekly: "this week", else "this period"
) -> list[Planned]:
    """One digest per manager with something to say this week."""
    found = digests(cycle, missing)
    managers = db.session.execute(
        select(Person.id, Person.name, Person.locale).where(Person.active, among(Person.id, found))
    ).all()
    planned = []
    link = app_path("team.index")
    for _language, rows in by_language(managers, lambda r: r.locale):
        for manager in rows:
            post = Post(
                kind=MANAGER_DIGEST,
                key=f"{MANAGER_DIGEST}:{week.label}:person:{manager.id}",
                title=str(TITLE),
                lines=_lines(found[manager.id], weekly),
                link=link,
                person_id=manager.id,
                not_before=week.not_before,
            )
            planned.append(Planned(post, manager.name))
    return planned


def _sample() -> tuple[str, list[str], str | None]:
    digest = Digest(["王芳", "李娜"], [("王芳", "粉丝数", "at_risk")], [("李娜", 2)])
    return str(TITLE), _lines(digest), app_path("team.index")


notice_kind(MANAGER_DIGEST, _l("Manager's weekly digest"), sample=_sample)
