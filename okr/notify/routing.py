"""Where a notice goes, from what one batch loaded at once (no query per notice).

A person's notice: their choice (email unless they chose chat, then their department's nearest
channel that takes people's reminders, falling back to email when there is none). A department's
notice: every channel that takes its kind and covers the department: its own, an ancestor's
that covers its subtree, and the company's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from okr.extensions import db
from okr.notify.channel_models import PEOPLE, Channel, NoticePreference
from okr.notify.models import Notice
from okr.notify.own_kinds import TEST
from okr.org.models import Department, Person


@dataclass(frozen=True)
class Target:
    via: str  # email, or the channel's platform
    address: str  # the email address or the channel's name (for the log: never a secret)
    channel: Channel | None = None
    mention: str | None = None


@dataclass
class World:
    """Everything routing needs for one batch of notices, loaded in a constant number of queries."""

    people: Mapping[int, Person]
    preferences: Mapping[int, NoticePreference]
    parents: Mapping[int, int | None]  # every department's parent
    channels: list[Channel]

    @classmethod
    def load(
        cls, notices: Iterable[Notice], parents: Mapping[int, int | None] | None = None
    ) -> World:
        person_ids = {n.person_id for n in notices if n.person_id is not None}
        fresh = {"populate_existing": True}  # rows another session changed since they were read
        people = db.session.scalars(
            select(Person).where(Person.id.in_(person_ids)), execution_options=fresh
        ).all()
        preferences = db.session.scalars(
            select(NoticePreference).where(NoticePreference.person_id.in_(person_ids)),
            execution_options=fresh,
        ).all()
        if parents is None:
            parents = {
                i: p for i, p in db.session.execute(select(Department.id, Department.parent_id))
            }
        return cls(
            {p.id: p for p in people},
            {p.person_id: p for p in preferences},
            parents,
            list(db.session.scalars(select(Channel).order_by(Channel.id), execution_options=fresh)),
        )

    def chain(self, department_id: int) -> list[int]:
        """The department and its ancestors, nearest first."""
        chain: list[int] = []
        current: int | None = department_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parents.get(current)
        return chain

    def covering(self, department_id: int, kind: str) -> list[Channel]:
        """Channels taking `kind` that cover the department, nearest first, the company's last."""
        chain = self.chain(department_id)
        found = [
            c
            for c in self.channels
            if kind in c.kinds
            and (
                c.department_id is None
                or c.department_id == department_id
                or (c.subtree and c.department_id in chain)
            )
        ]
        return sorted(
            found,
            key=lambda c: chain.index(c.department_id) if c.department_id in chain else len(chain),
        )


def _channel_target(channel: Channel, mention: str | None = None) -> Target:
    return Target(channel.platform, channel.name, channel, mention)


def targets(notice: Notice, world: World) -> list[Target]:
    """Where the notice goes; empty when nowhere (the caller says why)."""
    if notice.department_id is not None:
        return [_channel_target(c) for c in world.covering(notice.department_id, notice.kind)]
    person = world.people.get(notice.person_id or 0)
    if person is None:
        return []
    if notice.kind == TEST and notice.params.get("channel_id"):
        wanted = notice.params["channel_id"]
        return [_channel_target(c) for c in world.channels if c.id == wanted]
    preference = world.preferences.get(person.id)
    if preference is not None and preference.channel == "chat":
        nearest = world.covering(person.department_id, PEOPLE)
        if nearest:
            return [_channel_target(nearest[0], preference.chat_user_id or None)]
    return [Target("email", person.email)]


def opted_out(notice: Notice, world: World) -> bool:
    """A person who chose only mandatory notices, and a notice that is not one."""
    preference = world.preferences.get(notice.person_id or 0)
    return bool(preference and preference.opted_out and not notice.mandatory)
