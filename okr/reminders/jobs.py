"""The `reminders.tick` job: plan at the worker's present moment, then ask for delivery.

Every `flask jobs worker` asks for one every OKR_REMINDER_TICK_SECONDS (okr.jobs.cli); its key
keeps one queued or running at a time.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from okr.db import utcnow
from okr.jobs.registry import job_kind
from okr.jobs.runner import JobContext
from okr.reminders.planner import after_planning, plan

TICK = "reminders.tick"


@job_kind(TICK, _l("Reminder planning"), hr_only=True)
def tick(context: JobContext) -> None:
    """Post what is due now; what a retry finds posted already is not posted again."""
    now = utcnow()
    summary = plan(now)
    posted = sum(summary.posted.values())
    words = ngettext("%(num)d notice queued to send", "%(num)d notices queued to send", posted)
    context.progress(posted, posted, words)
    context.checkpoint()
    after_planning(now)
