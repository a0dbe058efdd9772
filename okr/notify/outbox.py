"""Posting notices: once per key, in one statement per batch, never sent from the poster.

Delivery (a job) sends what is queued; posting only writes rows, so a page or a planning job
never waits on a mail server or a chat robot.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from okr.db import utcnow
from okr.extensions import db
from okr.notify.models import Notice

BATCH = 1000


@dataclass(frozen=True)
class Post:
    """One notice to post: to a person or to a department (exactly one), in their language."""

    kind: str
    key: str  # unique: what the notice is about, so the same thing is never posted twice
    title: str
    lines: Sequence[str] = ()
    link: str | None = None
    person_id: int | None = None
    department_id: int | None = None
    mandatory: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    not_before: datetime | None = None  # quiet hours: not sent before this moment

    def row(self, now: datetime) -> dict[str, Any]:
        if (self.person_id is None) == (self.department_id is None):
            raise ValueError("a notice goes to a person or to a department, exactly one")
        return {
            "kind": self.kind,
            "key": self.key,
            "title": self.title,
            "lines": list(self.lines),
            "link": self.link,
            "person_id": self.person_id,
            "department_id": self.department_id,
            "mandatory": self.mandatory,
            "params": self.params,
            "not_before": self.not_before or now,
            "status": "queued",
            "attempts": 0,
            "created_at": now,
        }


def post(posts: Iterable[Post]) -> int:
    """Queue the notices whose key is new (posted at the same moment elsewhere included);
    returns how many were new."""
    now = utcnow()
    rows = [p.row(now) for p in posts]
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    new = 0
    for start in range(0, len(rows), BATCH):
        statement = insert(Notice).values(rows[start : start + BATCH])
        statement = statement.on_conflict_do_nothing(index_elements=["key"]).returning(Notice.id)
        new += len(db.session.execute(statement).all())
    return new
