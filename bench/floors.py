"""Floors for the daily pages: the rows a page shows, fetched with plain SQL and rendered in a bare
template, with no Flask, no ORM objects, no sign-in, no forms, no layout.

What a page costs beyond its floor is the app's own overhead (request handling, session, ORM,
forms, the full template); issue 9 asks the daily pages to stay within 3x their floor at L.
Each floor selects what the page shows (same people, objectives, key results, check-ins) with the
indexes the app has, in as few statements as such a page needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment
from sqlalchemy import func, literal, or_, select
from sqlalchemy.engine import Connection

from okr.objectives.models import CheckIn, KeyResult, Objective
from okr.org.models import Department, Person

P, D, OB, K, C = (m.__table__ for m in (Person, Department, Objective, KeyResult, CheckIn))
PAGE_SIZE = 25  # the app's default OKR_PAGE_SIZE: team pages show this many people
MISSING_SHOWN = 100  # and list this many of those who have not checked in this week
TIMEZONE = "Asia/Shanghai"  # the app's default company timezone
_env = Environment(autoescape=True)


@dataclass
class Subject:
    """Whose page it is: the person, the running cycle and its weeks so far, a key result."""

    person_id: int
    cycle_id: int
    weeks: list[date]  # Mondays of the cycle up to this week
    kr_id: int


def _below(manager_id: int) -> Any:
    tree = select(P.c.id).where(P.c.manager_id == manager_id).cte("reports", recursive=True)
    tree = tree.union_all(select(P.c.id).join(tree, P.c.manager_id == tree.c.id))
    return select(tree.c.id)


def _reports(c: Connection, manager_id: int) -> list[int]:
    """Everyone below a manager, fetched first as ids (a planner cannot misjudge a literal list)."""
    return list(c.scalars(_below(manager_id)))


HOME = _env.from_string(
    "<h1>{{ me.name }}</h1><p>{{ me.position }} · {{ me.department }} · {{ me.manager }}</p>"
    "<ul>{% for p in direct %}<li><a href='/people/{{ p.id }}'>{{ p.name }}</a> {{ p.position }}"
    " {{ p.department }}</li>{% endfor %}</ul><p>{{ count }}</p>"
)


def home(c: Connection, s: Subject) -> str:
    manager = P.alias("manager")
    me = c.execute(
        select(
            P.c.name, P.c.position, D.c.name.label("department"), manager.c.name.label("manager")
        )
        .join(D, D.c.id == P.c.department_id)
        .outerjoin(manager, manager.c.id == P.c.manager_id)
        .where(P.c.id == s.person_id)
    ).one()
    direct = c.execute(
        select(P.c.id, P.c.name, P.c.position, D.c.name.label("department"))
        .join(D, D.c.id == P.c.department_id)
        .where(P.c.manager_id == s.person_id, P.c.active)
        .order_by(P.c.name)
        .limit(50)
    ).all()
    count = c.scalar(select(func.count()).where(P.c.active, P.c.id.in_(_below(s.person_id))))
    return HOME.render(me=me, direct=direct, count=count)


OKRS = _env.from_string(
    "{% for o in objectives %}<section><h2>{{ o.title }} {{ o.weight }}% {{ o.progress }}"
    " {{ o.parent or '' }}</h2><table>{% for k in krs[o.id] %}<tr><td>{{ k.title }}</td>"
    "<td>{{ k.current }}</td><td>{{ k.target }} {{ k.unit }}</td><td>{{ k.progress }}</td>"
    "<td>{{ k.confidence }}</td><td>{{ k.last_note }}</td><td>{{ last.get(k.id, '') }}</td>"
    "</tr>{% endfor %}</table></section>{% endfor %}"
)


def _objectives(
    c: Connection, s: Subject, *, parents: bool
) -> tuple[list[Any], dict[int, list[Any]]]:
    parent = OB.alias("parent")
    title = parent.c.title if parents else literal(None)
    stmt = select(OB.c.id, OB.c.title, OB.c.weight, OB.c.progress, title.label("parent"))
    if parents:
        stmt = stmt.outerjoin(parent, parent.c.id == OB.c.parent_id)
    objectives = c.execute(
        stmt.where(OB.c.cycle_id == s.cycle_id, OB.c.owner_id == s.person_id).order_by(
            OB.c.position, OB.c.id
        )
    ).all()
    krs: dict[int, list[Any]] = {o.id: [] for o in objectives}
    for kr in c.execute(
        select(K).where(K.c.objective_id.in_(list(krs))).order_by(K.c.position, K.c.id)
    ):
        krs[kr.objective_id].append(kr)
    return objectives, krs


def week(c: Connection, s: Subject) -> str:
    objectives, krs = _objectives(c, s, parents=False)
    ids = [k.id for rows in krs.values() for k in rows]
    newest = select(func.max(C.c.id)).where(C.c.key_result_id.in_(ids)).group_by(C.c.key_result_id)
    last = {
        row.key_result_id: f"{row.created_at:%m-%d} {row.name}"
        for row in c.execute(
            select(C.c.key_result_id, C.c.created_at, P.c.name)
            .join(P, P.c.id == C.c.author_id)
            .where(C.c.id.in_(newest))
        )
    }
    return OKRS.render(objectives=objectives, krs=krs, last=last)


def okrs(c: Connection, s: Subject) -> str:
    objectives, krs = _objectives(c, s, parents=True)
    return OKRS.render(objectives=objectives, krs=krs, last={})


KR = _env.from_string(
    "<h1>{{ kr.title }}</h1><p>{{ kr.objective }} · {{ kr.owner }} · {{ kr.current }} / {{ kr.target }}"
    " {{ kr.unit }} · {{ kr.progress }}</p><svg>{% for w in weeks %}<circle data-week='{{ w.week }}'"
    " data-value='{{ w.value }}'/>{% endfor %}</svg><table>{% for c in log %}<tr><td>{{ c.created_at }}"
    "</td><td>{{ c.value }}</td><td>{{ c.confidence }}</td><td>{{ c.note }}</td><td>{{ c.name }}</td>"
    "</tr>{% endfor %}</table>"
)


def key_result(c: Connection, s: Subject) -> str:
    kr = c.execute(
        select(K, OB.c.title.label("objective"), P.c.name.label("owner"))
        .join(OB, OB.c.id == K.c.objective_id)
        .join(P, P.c.id == OB.c.owner_id)
        .where(K.c.id == s.kr_id)
    ).one()
    log = c.execute(
        select(C.c.created_at, C.c.value, C.c.confidence, C.c.note, P.c.name)
        .join(P, P.c.id == C.c.author_id)
        .where(C.c.key_result_id == s.kr_id)
        .order_by(C.c.created_at.desc(), C.c.id.desc())
        .limit(25)
    ).all()
    last_of_week = select(func.max(C.c.id)).where(C.c.key_result_id == s.kr_id).group_by(C.c.week)
    weeks = c.execute(select(C.c.week, C.c.value).where(C.c.id.in_(last_of_week))).all()
    return KR.render(kr=kr, log=log, weeks=weeks)


TEAM = _env.from_string(
    "<p>{{ total }}</p><ul>{% for p in missing %}<li>{{ p.name }} {{ p.last or '' }}</li>{% endfor %}"
    "</ul><p>{{ missing_total }}</p><table>{% for p in people %}<tr><td>{{ p.name }}</td><td>"
    "{{ p.position }}</td><td>{{ p.department }}</td><td>{% for o in objectives.get(p.id, []) %}"
    "{{ o.title }} {{ o.weight }} {{ o.progress }} {{ o.status }}{% for k in krs.get(o.id, []) %}"
    " {{ k.title }} {{ k.current }}/{{ k.target }} {{ k.progress }} {{ k.last_checkin_at }}"
    "{% endfor %}; {% endfor %}</td></tr>{% endfor %}</table>"
)


def _page_of_team(c: Connection, s: Subject) -> tuple[list[int], int, list[Any]]:
    """The team's ids, how many, and the first page of people by name (as the pages show them)."""
    reports = _reports(c, s.person_id)
    team = select(P.c.id).where(P.c.active, P.c.id.in_(reports))
    total = c.scalar(select(func.count()).select_from(team.subquery()))
    people = c.execute(
        select(P.c.id, P.c.name, P.c.position, D.c.name.label("department"))
        .join(D, D.c.id == P.c.department_id)
        .where(P.c.id.in_(team))
        .order_by(P.c.name, P.c.id)
        .limit(PAGE_SIZE)
    ).all()
    return reports, total, people


def team(c: Connection, s: Subject) -> str:
    reports, total, people = _page_of_team(c, s)
    objectives: dict[int, list[Any]] = {}
    krs: dict[int, list[Any]] = {}
    for row in c.execute(
        select(OB.c.id, OB.c.owner_id, OB.c.title, OB.c.weight, OB.c.progress, OB.c.status)
        .where(
            OB.c.cycle_id == s.cycle_id,
            OB.c.level == "individual",
            OB.c.owner_id.in_([p.id for p in people]),
        )
        .order_by(OB.c.owner_id, OB.c.position, OB.c.id)
    ):
        objectives.setdefault(row.owner_id, []).append(row)
    ids = [o.id for rows in objectives.values() for o in rows]
    for kr in c.execute(select(K).where(K.c.objective_id.in_(ids)).order_by(K.c.position, K.c.id)):
        krs.setdefault(kr.objective_id, []).append(kr)
    last = func.max(K.c.last_checkin_at)
    monday = s.weeks[-1]
    began = datetime.combine(monday, datetime.min.time(), ZoneInfo(TIMEZONE)).astimezone(UTC)
    stragglers = (
        select(P.c.id, P.c.name, last.label("last"))
        .join(OB, OB.c.owner_id == P.c.id)
        .join(K, K.c.objective_id == OB.c.id)
        .where(P.c.id.in_(reports), OB.c.cycle_id == s.cycle_id, OB.c.level == "individual")
        .group_by(P.c.id, P.c.name)
        .having(or_(last.is_(None), last < began))
    )
    missing_total = c.scalar(select(func.count()).select_from(stragglers.subquery()))
    missing = c.execute(stragglers.order_by(P.c.name, P.c.id).limit(MISSING_SHOWN)).all()
    return TEAM.render(
        total=total, people=people, objectives=objectives, krs=krs, missing=missing,
        missing_total=missing_total,
    )  # fmt: skip


WEEKLY = _env.from_string(
    "<p>{{ total }}</p><table><tr>{% for w in weeks %}<th>{{ w }}</th>{% endfor %}</tr>"
    "{% for r in rows %}<tr><td>{{ r.name }}</td><td>{{ r.objective }}</td><td>{{ r.title }}</td>"
    "<td>{{ r.weight }}</td><td>{{ r.target }} {{ r.unit }}</td>{% for w in weeks %}<td>"
    "{{ values.get((r.kr_id, w), '') }}</td>{% endfor %}<td>{{ r.current }}</td>"
    "<td>{{ r.progress }}</td></tr>{% endfor %}</table>"
)


def weekly(c: Connection, s: Subject) -> str:
    _team, total, people = _page_of_team(c, s)
    owners = [p.id for p in people]
    rows = c.execute(
        select(P.c.name, OB.c.title.label("objective"), K.c.id.label("kr_id"), K.c.title, K.c.unit,
               K.c.weight, K.c.target, K.c.current, K.c.progress)
        .join(OB, OB.c.owner_id == P.c.id)
        .join(K, K.c.objective_id == OB.c.id)
        .where(OB.c.cycle_id == s.cycle_id, OB.c.level == "individual", P.c.id.in_(owners))
        .order_by(P.c.name, P.c.id, OB.c.position, OB.c.id, K.c.position, K.c.id)
    ).all()  # fmt: skip
    ranked = (
        select(C.c.key_result_id, C.c.week, C.c.value,
               func.row_number().over(partition_by=(C.c.key_result_id, C.c.week),
                                      order_by=(C.c.created_at.desc(), C.c.id.desc())).label("n"))
        .where(C.c.key_result_id.in_([r.kr_id for r in rows]), C.c.week >= s.weeks[0],
               C.c.week <= s.weeks[-1])
        .subquery()
    )  # fmt: skip
    values = {
        (r.key_result_id, r.week): r.value for r in c.execute(select(ranked).where(ranked.c.n == 1))
    }
    return WEEKLY.render(total=total, weeks=s.weeks, rows=rows, values=values)


FLOORS: dict[str, Callable[[Connection, Subject], str]] = {
    "home": home,
    "week": week,
    "okrs": okrs,
    "kr": key_result,
    "team": team,
    "weekly": weekly,
}


def mondays(start: date, today: date) -> list[date]:
    """Mondays from the cycle's first week up to this week."""
    monday = start - timedelta(days=start.weekday())
    found = []
    while monday <= today:
        found.append(monday)
        monday += timedelta(days=7)
    return found
