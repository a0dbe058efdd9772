"""Delivering the outbox: queued notices that are due, a batch at a time, each on its channels.

Never twice: a batch is marked `sending` and committed before anything is sent, and each result
is committed as soon as the channel answered. A job killed in between leaves notices `sending`;
the next run fails them as "interrupted" instead of sending them again (at most once: a lost
reminder costs less than the same message twice in a group chat, and the log says which).
A notice with several channels (a department's groups) skips those that already accepted it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from okr.extensions import db
from okr.notify import channels as channel_store
from okr.notify import mail, robots
from okr.notify.channel_models import Delivery
from okr.notify.kinds import is_still_due, still_due_among
from okr.notify.message import Message, Outcome, absolute_url
from okr.notify.models import Notice
from okr.notify.routing import Target, World, opted_out, targets
from okr.unit_of_work import checkpoint

log = logging.getLogger(__name__)


@dataclass
class Totals:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1


def due_notices(now: datetime, limit: int) -> list[int]:
    """The ids of queued notices due to be sent at `now` (posted, out of quiet hours, or due
    another attempt), oldest first."""
    query = (
        select(Notice.id)
        .where(
            Notice.status == "queued",
            Notice.not_before <= now,
            or_(Notice.next_attempt_at.is_(None), Notice.next_attempt_at <= now),
        )
        .order_by(Notice.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _interrupted(now: datetime) -> None:
    """Notices a killed run left `sending`: failed, never sent again (one job runs at a time)."""
    db.session.execute(
        update(Notice)
        .where(Notice.status == "sending")
        .values(status="failed", outcome="interrupted while sending: not sent again", sent_at=None)
        .execution_options(synchronize_session=False)
    )


def deliver_due(now: datetime) -> Totals:
    """Send every due notice; commits its marks and results as it goes (a job's handler).

    The rows a batch loaded stay loaded across its commits (no expiry), so a commit per notice
    costs no SELECT per notice.
    """
    session = db.session()
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        return _deliver_all(now)
    finally:
        session.expire_on_commit = keep


def _deliver_all(now: datetime) -> Totals:
    totals, config = Totals(), current_app.config
    _interrupted(now)
    checkpoint()
    parents = None
    while ids := due_notices(now, int(config["NOTIFY_BATCH"])):
        claimed = db.session.execute(
            update(Notice)
            .where(Notice.id.in_(ids), Notice.status == "queued")
            .values(status="sending", attempts=Notice.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        checkpoint()
        if claimed.rowcount == 0:
            continue
        notices = db.session.scalars(
            select(Notice)
            .where(Notice.id.in_(ids), Notice.status == "sending")
            .order_by(Notice.id)
            .execution_options(populate_existing=True)  # as the UPDATE left them
        ).all()
        world = World.load(notices, parents)
        parents = world.parents
        accepted = _accepted(ids)
        for notice, due in zip(notices, _still_due(notices), strict=True):
            totals.add(_deliver(notice, due, world, accepted.get(notice.id, set()), now))
            checkpoint()
    return totals


def _accepted(ids: list[int]) -> dict[int, set[int | None]]:
    """The channels (None: email) that already accepted each notice, from earlier attempts."""
    rows = db.session.execute(
        select(Delivery.notice_id, Delivery.channel_id).where(
            Delivery.notice_id.in_(ids), Delivery.status == "sent"
        )
    ).all()
    accepted: dict[int, set[int | None]] = {}
    for notice_id, channel_id in rows:
        accepted.setdefault(notice_id, set()).add(channel_id)
    return accepted


def _still_due(notices: list[Notice]) -> list[bool | None]:
    """Whether each notice still matters, a query or a few per kind for the batch; when a
    kind's check fails on the batch, each notice is asked alone, so that only the notices
    whose check fails (None) are held back."""
    try:
        return list(still_due_among(notices))
    except Exception:
        log.warning("a still-due check failed for a batch: asking notice by notice")
    found: list[bool | None] = []
    for notice in notices:
        try:
            found.append(is_still_due(notice))
        except Exception:  # one notice's broken check must not hold back the others
            log.exception("the still-due check of notice %s (%s) failed", notice.id, notice.kind)
            found.append(None)
    return found


def _skip(notice: Notice, why: str, now: datetime) -> str:
    notice.status, notice.outcome = "skipped", why
    db.session.add(
        Delivery(notice_id=notice.id, via="none", target="", status="skipped", answer=why, at=now)
    )
    return "skipped"


def _deliver(
    notice: Notice, due: bool | None, world: World, accepted: set[int | None], now: datetime
) -> str:
    person = world.people.get(notice.person_id or 0)
    if notice.person_id is not None and (person is None or not person.active):
        return _skip(notice, "person inactive", now)
    if due is None:
        return _skip(notice, "its still-due check failed", now)
    if not due:
        return _skip(notice, "no longer due", now)
    if opted_out(notice, world):
        return _skip(notice, "opted out", now)
    to = [
        t for t in targets(notice, world) if (t.channel.id if t.channel else None) not in accepted
    ]
    if not to and not accepted:
        return _skip(notice, "no channel takes it", now)
    language = (person.locale if person else None) or current_app.config["DEFAULT_LOCALE"]
    name = person.name if person else ""
    outcomes = [_send(notice, target, name, language, now) for target in to]
    for target, outcome in zip(to, outcomes, strict=True):
        db.session.add(
            Delivery(
                notice_id=notice.id,
                via=target.via,
                channel_id=target.channel.id if target.channel else None,
                target=target.address[:254],
                status=outcome.status,
                answer=outcome.answer,
                at=now,
            )
        )
    return _settle(notice, outcomes, now)


def _settle(notice: Notice, outcomes: list[Outcome], now: datetime) -> str:
    config = current_app.config
    answers = "; ".join(o.answer for o in outcomes if not o.sent)
    if all(o.sent for o in outcomes):
        notice.status, notice.sent_at, notice.outcome, notice.next_attempt_at = (
            "sent",
            now,
            None,
            None,
        )
    elif (
        any(o.status == "retry" for o in outcomes)
        and notice.attempts < config["NOTIFY_MAX_ATTEMPTS"]
    ):
        delay = float(config["NOTIFY_RETRY_SECONDS"]) * 2 ** (notice.attempts - 1)
        notice.status, notice.outcome = "queued", answers[:1000]
        notice.next_attempt_at = now + timedelta(seconds=delay)
        return "retry"
    else:
        notice.status, notice.outcome = "failed", answers[:1000]
    return notice.status


def message_for(notice: Notice, language: str, mention: str | None = None) -> Message:
    """The notice as a message: its words, its link made absolute, the link's label."""
    with force_locale(language):
        label = _("Open in OKR")
    url = absolute_url(current_app.config["BASE_URL"], notice.link)
    return Message(notice.title, tuple(notice.lines or ()), url, label, mention)


def _send(notice: Notice, target: Target, name: str, language: str, now: datetime) -> Outcome:
    message = message_for(notice, language, target.mention)
    try:
        if target.channel is None:
            return _email(message, name, target.address, language, now)
        webhook, secret = channel_store.credentials(target.channel)
        timeout = float(current_app.config["NOTIFY_TIMEOUT"])
        return robots.send(
            target.via, webhook, secret, message, now=now, rich=target.channel.rich, timeout=timeout
        )
    except Exception as exc:  # a bug or an undecryptable secret fails this notice, not the run
        log.error("notice %s: delivery by %s failed: %s", notice.id, target.via, type(exc).__name__)
        return Outcome("failed", f"{type(exc).__name__}")


def _email(message: Message, name: str, address: str, language: str, now: datetime) -> Outcome:
    smtp = mail.Smtp.from_config(current_app.config)
    if not smtp.configured:
        return Outcome("failed", "email is not configured (OKR_SMTP_HOST)")
    built = mail.build(message, name, address, mail.html(message, language), smtp, now)
    return mail.send(built, smtp)
