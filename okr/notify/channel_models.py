"""Where notices go and what became of them: HR's group robots, each person's choice, and the
log of every delivery attempt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from okr.db import UTCDateTime, utcnow
from okr.extensions import db

PLATFORMS = ("dingtalk", "feishu", "wecom")
PEOPLE = (
    "people"  # a channel's kinds: this one means "people's reminders, for those who chose chat"
)


class Channel(db.Model):
    """A group robot of DingTalk, Feishu or WeCom, for the whole company or a department."""

    __tablename__ = "notify_channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    platform: Mapped[str] = mapped_column(String(12))
    # None: the whole company. A department: itself, and with `subtree` every one under it.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), index=True
    )
    subtree: Mapped[bool] = mapped_column(Boolean, default=True)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # digest kinds, and PEOPLE
    rich: Mapped[bool] = mapped_column(Boolean, default=True)  # markdown / card, else text
    # Fernet tokens (okr.notify.secrets); the webhook URL carries the robot's token too.
    webhook: Mapped[str] = mapped_column(Text)
    secret: Mapped[str | None] = mapped_column(Text)
    webhook_hint: Mapped[str] = mapped_column(String(120))  # masked, for the pages
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class NoticePreference(db.Model):
    """A person's choice of channel (email unless they chose chat) and opting out."""

    __tablename__ = "notice_preference"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(8), default="email")  # email | chat
    chat_user_id: Mapped[str] = mapped_column(String(100), default="")  # for the @-mention
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)  # of non-mandatory notices
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Delivery(db.Model):
    """One attempt to deliver a notice on one channel, and what the channel answered."""

    __tablename__ = "notice_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"))
    via: Mapped[str] = mapped_column(String(12))  # email | dingtalk | feishu | wecom | none
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("notify_channel.id", ondelete="SET NULL")
    )
    target: Mapped[str] = mapped_column(String(254))  # an address or a channel's name, no secret
    status: Mapped[str] = mapped_column(String(12))  # sent | retry | failed | skipped
    answer: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_notice_delivery_notice", "notice_id"),
        Index("ix_notice_delivery_at", "at"),
    )
