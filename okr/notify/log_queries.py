"""HR's delivery log: one page of attempts (filtered by kind, status, person), totals by status
from one GROUP BY, and each kind's sample as every channel will show it (the preview)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from okr.extensions import db
from okr.notify import dingtalk, feishu, mail, wecom
from okr.notify.channel_models import Delivery
from okr.notify.kinds import NoticeKind, kinds
from okr.notify.message import Message, absolute_url
from okr.notify.models import Notice
from okr.org.models import Person
from okr.paging import Paging


@dataclass(frozen=True)
class LogFilter:
    kind: str = ""
    status: str = ""
    person: str = ""  # part of a name or an email address


def _filtered(stmt: Select, wanted: LogFilter) -> Select:  # type: ignore[type-arg]
    stmt = stmt.join(Notice, Notice.id == Delivery.notice_id).outerjoin(
        Person, Person.id == Notice.person_id
    )
    if wanted.kind:
        stmt = stmt.where(Notice.kind == wanted.kind)
    if wanted.status:
        stmt = stmt.where(Delivery.status == wanted.status)
    if wanted.person:
        needle = f"%{wanted.person.lower()}%"
        stmt = stmt.where(or_(func.lower(Person.name).like(needle), Person.email.like(needle)))
    return stmt


def log_page(wanted: LogFilter, page: int) -> tuple[list[Any], Paging, dict[str, int]]:
    """(delivery, notice kind, title, person name) rows of one page, and totals by status."""
    counted = _filtered(select(Delivery.status, func.count(Delivery.id)), wanted)
    totals = {s: n for s, n in db.session.execute(counted.group_by(Delivery.status))}
    per_page = int(current_app.config["PAGE_SIZE"])
    total = sum(totals.values())
    pages = max(-(-total // per_page), 1)
    number = min(max(page, 1), pages)
    rows = _filtered(select(Delivery, Notice.kind, Notice.title, Person.name), wanted)
    rows = rows.order_by(Delivery.id.desc()).limit(per_page).offset((number - 1) * per_page)
    items = list(db.session.execute(rows).all())
    return items, Paging(number, pages, total, per_page), totals


@dataclass(frozen=True)
class Preview:
    kind: NoticeKind
    text: str
    html: str
    bodies: dict[str, str]  # platform -> the JSON the robot receives


def previews(language: str) -> list[Preview]:
    """Each registered kind's sample on every channel, in the viewer's language."""
    found = []
    for known in sorted(kinds(), key=lambda k: k.name):
        title, lines, link = known.sample()
        mention = None if known.digest else "userid"
        message = Message(
            title,
            tuple(lines),
            absolute_url(current_app.config["BASE_URL"], link),
            _("Open in OKR"),
            mention,
        )
        bodies = {
            "dingtalk": dingtalk.markdown(message),
            "feishu": feishu.card(message),
            "wecom": wecom.markdown(message),
        }
        found.append(
            Preview(
                known,
                message.text(),
                mail.html(message, language),
                {k: json.dumps(v, ensure_ascii=False, indent=2) for k, v in bodies.items()},
            )
        )
    return found
