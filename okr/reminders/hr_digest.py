"""HR's weekly stage-completion digest: who is behind in open reviews, by department; to each
HR person, and to each department with someone behind as a digest for its groups.

Built from the review stages' rows the planner read already (no query per department).
"""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from okr.extensions import db
from okr.notify.kinds import notice_kind
from okr.notify.outbox import Post
from okr.org.models import Department, Person
from okr.org.queries import among
from okr.reminders.common import Planned, Week, app_path, by_language, name_list, speaking
from okr.reminders.reviews import STAGE_NAMES
from okr.reminders.stages import STAGES, Owed

HR_DIGEST, DEPARTMENT_DIGEST = "hr_stage_digest", "department_stage_digest"
TITLE = _l("Review stages behind this week")
SHOWN = 10  # names listed per department and stage

Behind = dict[int, dict[str, list[str]]]  # department -> stage -> who owes it, late


def behind(week: Week, items: list[Owed]) -> Behind:
    """Who is past a stage's deadline, by the appraisal's department and stage."""
    found: Behind = defaultdict(lambda: defaultdict(list))
    for item in items:
        if item.deadline < week.today and item.owner not in found[item.department_id][item.stage]:
            found[item.department_id][item.stage].append(item.owner)
    return {department: stages for department, stages in found.items() if stages}


def _lines(department: str, stages: dict[str, list[str]]) -> list[str]:
    lines = []
    for stage in STAGES:
        names = stages.get(stage, [])
        if names:
            shown = name_list(names[:SHOWN]) + (" …" if len(names) > SHOWN else "")
            lines.append(
                _(
                    "%(department)s · %(stage)s (%(num)d): %(names)s",
                    department=department,
                    stage=str(STAGE_NAMES[stage]),
                    num=len(names),
                    names=shown,
                )
            )
    return lines


def _post(kind: str, week: Week, lines: list[str], **recipient: int) -> Post:
    target = (
        f"person:{recipient['person_id']}"
        if "person_id" in recipient
        else (f"department:{recipient['department_id']}")
    )
    return Post(
        kind=kind,
        key=f"{kind}:{week.label}:{target}",
        title=str(TITLE),
        lines=lines,
        link=app_path("reviews.index"),
        not_before=week.not_before,
        **recipient,
    )


def hr_digest_notices(week: Week, items: list[Owed]) -> dict[str, list[Planned]]:
    """HR's digest and the departments' digests, at the digest's time, when someone is behind."""
    calendar = week.calendar
    if not week.reached(calendar.digest_weekday, calendar.digest_time):
        return {}
    late = behind(week, items)  # the two reads below run even when nobody is behind
    rows = db.session.execute(
        select(Department.id, Department.name).where(among(Department.id, late))
    )
    names = {department_id: name for department_id, name in rows}
    order = sorted(late, key=lambda d: (names.get(d, ""), d))
    hr = db.session.execute(
        select(Person.id, Person.name, Person.locale).where(Person.active, Person.is_admin)
    ).all()
    to_hr = []
    for _language, people in by_language(hr, lambda r: r.locale):
        lines = [line for d in order for line in _lines(names.get(d, ""), late[d])]
        to_hr += [Planned(_post(HR_DIGEST, week, lines, person_id=p.id), p.name) for p in people]
    to_departments = []
    with speaking(None):  # a group's language is the company's
        for d in order:
            post = _post(
                DEPARTMENT_DIGEST, week, _lines(names.get(d, ""), late[d]), department_id=d
            )
            to_departments.append(Planned(post, names.get(d, "")))
    return {HR_DIGEST: to_hr, DEPARTMENT_DIGEST: to_departments}


def _sample() -> tuple[str, list[str], str | None]:
    return str(TITLE), _lines("网络营销部", {"self": ["王芳", "张伟"]}), app_path("reviews.index")


notice_kind(HR_DIGEST, _l("HR's review-stage digest"), sample=_sample)
notice_kind(DEPARTMENT_DIGEST, _l("Department's review-stage digest"), sample=_sample, digest=True)
