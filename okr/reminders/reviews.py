"""Review-stage reminders: due (some days before the deadline), overdue, and escalated to the
owner's manager some days after it; mandatory, each posted once per item and stage.

A stage is the self-assessment, a team-evaluation (peer) form, the interview or acknowledging a
released result (okr.reminders.stages finds what is owed, one query per stage).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from okr.notify.kinds import notice_kind
from okr.notify.models import Notice
from okr.notify.outbox import Post
from okr.reminders.common import Planned, Week, app_path, speaking
from okr.reminders.stages import STAGES, Owed, owed, still_owed

REVIEW_DUE, REVIEW_OVERDUE, REVIEW_ESCALATED = "review_due", "review_overdue", "review_escalated"
STAGE_NAMES = {
    "self": _l("Self-assessment"),
    "peer": _l("Team evaluation"),
    "interview": _l("Interview"),
    "acknowledgement": _l("Acknowledgement"),
}


def _link(item: Owed) -> str:
    if item.stage == "peer":
        return app_path("peer_forms.edit", form_id=item.item_id)
    if item.stage == "interview":
        return app_path("appraisals.interview", appraisal_id=item.appraisal_id)
    return app_path("appraisals.show", appraisal_id=item.appraisal_id)


def _title(kind: str, item: Owed, late: int) -> str:
    stage, day = str(STAGE_NAMES[item.stage]), format_date(item.deadline, "medium")
    if kind == REVIEW_DUE:
        return _("%(stage)s due by %(date)s", stage=stage, date=day)
    if kind == REVIEW_OVERDUE:
        return _("%(stage)s overdue since %(date)s", stage=stage, date=day)
    return ngettext(
        "%(stage)s of %(name)s: %(num)d day overdue",
        "%(stage)s of %(name)s: %(num)d days overdue",
        late,
        stage=stage,
        name=item.owner,
    )


def _post(kind: str, item: Owed, late: int, week: Week, to: int, name: str, locale: Any) -> Planned:
    with speaking(locale):
        title = _title(kind, item, late)
        line = _("%(review)s · %(name)s", review=item.review, name=item.subject)
    post = Post(
        kind=kind,
        key=f"{kind}:{item.stage}:{item.item_id}",
        title=title,
        lines=[line],
        link=_link(item),
        person_id=to,
        mandatory=True,
        params={"stage": item.stage, "item_id": item.item_id},
        not_before=week.not_before,
    )
    return Planned(post, name)


def owed_now(week: Week) -> list[Owed]:
    """What is owed in every stage with a deadline near or past (one query per stage)."""
    calendar, today = week.calendar, week.today
    return [
        item
        for stage in STAGES
        for item in owed(stage, today, calendar.review_due_days, calendar.zone, calendar.ack_days)
    ]


def stage_notices(
    week: Week, items: list[Owed], on: Callable[[str], bool]
) -> dict[str, list[Planned]]:
    """Every review-stage notice due at the week's moment, per kind."""
    calendar, today = week.calendar, week.today
    found: dict[str, list[Planned]] = {REVIEW_DUE: [], REVIEW_OVERDUE: [], REVIEW_ESCALATED: []}
    for item in items:
        late = (today - item.deadline).days
        owner = (item.owner_id, item.owner, item.owner_locale)
        if -calendar.review_due_days <= late <= 0:
            found[REVIEW_DUE].append(_post(REVIEW_DUE, item, late, week, *owner))
        if late > 0:
            found[REVIEW_OVERDUE].append(_post(REVIEW_OVERDUE, item, late, week, *owner))
        if late >= calendar.escalate_days and item.boss_id is not None:
            boss = (item.boss_id, item.boss or "", item.boss_locale)
            found[REVIEW_ESCALATED].append(_post(REVIEW_ESCALATED, item, late, week, *boss))
    return {kind: planned for kind, planned in found.items() if on(kind)}


def still_due(notices: Sequence[Notice]) -> list[bool]:
    """A stage's notice matters until the stage is done: one query per stage of the batch."""
    items: dict[str, set[int]] = {}
    for notice in notices:
        items.setdefault(notice.params["stage"], set()).add(notice.params["item_id"])
    owed = {stage: still_owed(stage, ids) for stage, ids in items.items()}
    return [n.params["item_id"] in owed[n.params["stage"]] for n in notices]


def _sample(kind: str) -> tuple[str, list[str], str | None]:
    deadline = date(2026, 12, 10)
    item = Owed("self", 1, 1, "2026 Q4", deadline, "王芳", 1, "王芳", None, 2, "陈经理", None, 1)
    line = _("%(review)s · %(name)s", review=item.review, name=item.subject)
    return _title(kind, item, 3), [line], _link(item)


for _kind, _label in (
    (REVIEW_DUE, _l("Review stage due")),
    (REVIEW_OVERDUE, _l("Review stage overdue")),
    (REVIEW_ESCALATED, _l("Review stage overdue, to the manager")),
):
    notice_kind(
        _kind,
        _label,
        sample=lambda kind=_kind: _sample(kind),
        mandatory=True,
        still_due=still_due,
    )
