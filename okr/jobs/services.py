"""Asking for a job: one row per job, sent to the queue once the row is committed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from okr.extensions import db
from okr.jobs import registry
from okr.jobs.models import Job
from okr.jobs.queue import queue


def submit(kind: str, params: dict[str, Any], actor_id: int | None, key: str | None = None) -> Job:
    """Queue a job of `kind`; with a key, the active job of that kind and key if there is one.

    The queue hears of the job when the caller's transaction commits (a request's unit of work, a
    command's), so a worker never looks for a row it cannot see yet.
    """
    spec = registry.kind(kind)
    active_key = f"{kind}:{key}" if key is not None else None
    if active_key is not None and (existing := _active(active_key)) is not None:
        return existing
    job = Job(
        kind=kind,
        params=params,
        active_key=active_key,
        max_attempts=spec.max_attempts,
        created_by_id=actor_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:  # the same job was asked for at the same moment
        return _active(active_key)  # type: ignore[arg-type, return-value]
    send = queue().send
    event.listen(db.session(), "after_commit", lambda _session: send(job.id), once=True)
    return job


def _active(active_key: str) -> Job | None:
    return db.session.scalar(select(Job).where(Job.active_key == active_key))


def may_see(job: Job, viewer: Any) -> bool:
    """The person who asked for the job, and HR (only HR for the kinds that say so)."""
    if viewer.is_admin:
        return True
    hr_only = registry.known(job.kind) and registry.kind(job.kind).hr_only
    return not hr_only and job.created_by_id == viewer.id
