"""The `notify.deliver` job (one active at a time) and asking for it, e.g. after posting."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from okr.db import utcnow
from okr.jobs.models import Job
from okr.jobs.registry import job_kind
from okr.jobs.runner import JobContext
from okr.jobs.services import submit
from okr.notify.delivery import deliver_due, due_notices

DELIVER = "notify.deliver"


@job_kind(DELIVER, _l("Sending notices"), concurrency=1, max_attempts=3, hr_only=True)
def run_delivery(context: JobContext) -> None:
    """Send what is due now; a retried job finds sent notices sent and skips them."""
    totals = deliver_due(utcnow())
    done = sum(totals.counts.values())
    context.progress(done, done, ", ".join(f"{k}: {v}" for k, v in sorted(totals.counts.items())))


def ask_for_delivery(actor_id: int | None = None) -> Job:
    """Ask for a delivery run; while one is queued or running, that one (it sends what is due)."""
    return submit(DELIVER, {}, actor_id, key="outbox")


def deliver_when_due(now: datetime) -> Job | None:
    """Ask for a delivery run when some notice is due to be sent at `now`; None when none is
    (a planning tick every minute then adds no job row)."""
    return ask_for_delivery() if due_notices(now, 1) else None
