"""Improvement-plan follow-ups on their dates, to the item's owner and the person's manager;
and consecutive-low flags, with what they lead to, to HR (as the flags page shows them).

One query for the plan items due, two for the flags (the templates and the runs), whatever
the company's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from okr.extensions import db
from okr.flags import queries as flags
from okr.flags.runs import streak_page
from okr.notify.kinds import notice_kind
from okr.notify.models import Notice
from okr.notify.outbox import Post
from okr.org.models import Person
from okr.org.queries import among
from okr.reminders.common import Planned, Week, app_path, speaking
from okr.reviews.models import Appraisal, ImprovementItem, ImprovementPlan

PLAN_FOLLOW_UP, FLAG = "plan_follow_up", "flag_to_hr"
GRACE_DAYS = 7  # an item whose date passed longer ago than this (the planner was off) is left
Owner, Manager = aliased(Person), aliased(Person)


def _items(week: Week):  # type: ignore[no-untyped-def]
    today = week.today
    return db.session.execute(
        select(
            ImprovementItem.id,
            ImprovementItem.title,
            ImprovementItem.due,
            ImprovementPlan.appraisal_id,
            Owner.id,
            Owner.name,
            Owner.locale,
            Manager.id,
            Manager.name,
            Manager.locale,
        )
        .join(ImprovementPlan, ImprovementPlan.id == ImprovementItem.plan_id)
        .join(Appraisal, Appraisal.id == ImprovementPlan.appraisal_id)
        .join(Owner, Owner.id == ImprovementItem.owner_id)
        .outerjoin(Manager, Manager.id == Appraisal.manager_id)
        .where(
            ImprovementPlan.status == "agreed",
            ImprovementItem.status.in_(("open", "in_progress")),
            ImprovementItem.due <= today,
            ImprovementItem.due >= today - timedelta(days=GRACE_DAYS),
        )
        .order_by(ImprovementItem.id)
    ).all()


def _follow_up(week: Week, row, to: int, name: str, locale, who: str) -> Planned:  # type: ignore[no-untyped-def]
    with speaking(locale):
        title = _("Improvement plan follow-up: %(item)s", item=row.title)
        line = _("Due on %(date)s: record how it went on the plan.", date=format_date(row.due))
    post = Post(
        kind=PLAN_FOLLOW_UP,
        key=f"{PLAN_FOLLOW_UP}:item:{row.id}:{who}",
        title=title,
        lines=[line],
        link=app_path("plans.show", appraisal_id=row.appraisal_id),
        person_id=to,
        params={"item_id": row.id},
        not_before=week.not_before,
    )
    return Planned(post, name)


def follow_up_notices(week: Week) -> list[Planned]:
    """Each plan item on or just past its date, to its owner and to the person's manager."""
    planned = []
    for row in _items(week):
        planned.append(_follow_up(week, row, row[4], row[5], row[6], "owner"))
        if row[7] is not None and row[7] != row[4]:
            planned.append(_follow_up(week, row, row[7], row[8], row[9], "manager"))
    return planned


def _flag_lines(name: str, streak: int) -> tuple[str, list[str]]:
    title = ngettext(
        "%(name)s: low results %(num)d cycle in a row",
        "%(name)s: low results %(num)d cycles in a row",
        streak,
        name=name,
    )
    return title, [_("Agree an improvement plan with their manager (see Flags).")]


def flag_notices(week: Week) -> list[Planned]:
    """Everyone the flags page flags by its default rule, once per person and run length, to HR."""
    rule = flags.rule_of(
        flags.template_specs(), flags.DEFAULT_CYCLES, flags.DEFAULT_BELOW, False, None
    )
    found, _total = streak_page(rule, None, 0, None)
    hr = db.session.execute(  # read even when nobody is flagged: a fixed number of statements
        select(Person.id, Person.name, Person.locale).where(Person.active, Person.is_admin)
    ).all()
    planned = []
    for person in hr:
        with speaking(person.locale):
            for streak in found:
                title, lines = _flag_lines(streak.name, streak.streak)
                post = Post(
                    kind=FLAG,
                    key=f"{FLAG}:{streak.person_id}:{streak.streak}:hr:{person.id}",
                    title=title,
                    lines=lines,
                    link=app_path("flags.index"),
                    person_id=person.id,
                    not_before=week.not_before,
                )
                planned.append(Planned(post, person.name))
    return planned


def item_open(notices: Sequence[Notice]) -> list[bool]:
    """A follow-up matters while the item is open in an agreed plan (one query for the batch)."""
    found = set(
        db.session.scalars(
            select(ImprovementItem.id)
            .join(ImprovementPlan, ImprovementPlan.id == ImprovementItem.plan_id)
            .where(
                among(ImprovementItem.id, {n.params["item_id"] for n in notices}),
                ImprovementPlan.status == "agreed",
                ImprovementItem.status.in_(("open", "in_progress")),
            )
        )
    )
    return [n.params["item_id"] in found for n in notices]


def _follow_up_sample() -> tuple[str, list[str], str | None]:
    title = _("Improvement plan follow-up: %(item)s", item="客户满意度 90%")
    return title, [_("Due on %(date)s: record how it went on the plan.", date="2026-12-10")], None


def _flag_sample() -> tuple[str, list[str], str | None]:
    title, lines = _flag_lines("王芳", 3)
    return title, lines, app_path("flags.index")


notice_kind(
    PLAN_FOLLOW_UP, _l("Improvement plan follow-up"), sample=_follow_up_sample, still_due=item_open
)
notice_kind(FLAG, _l("Consecutive low results, to HR"), sample=_flag_sample)
