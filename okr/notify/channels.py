"""HR's channels: saving one (webhook and secret encrypted, kept unless retyped), deleting, the
webhook of one for sending, and the latest delivery of each for the list."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select

from okr.errors import Invalid
from okr.extensions import db
from okr.notify import secrets
from okr.notify.channel_models import PLATFORMS, Channel, Delivery


@dataclass(frozen=True)
class ChannelData:
    name: str
    platform: str
    department_id: int | None
    subtree: bool
    kinds: list[str]
    rich: bool
    webhook: str  # "" = keep the saved one
    secret: str  # "" = keep the saved one (unless clear_secret)
    clear_secret: bool = False


def _webhook_problem(platform: str, webhook: str) -> str | None:
    parts = urlsplit(webhook)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return _("Enter the webhook address the robot's settings show (https://…).")
    query = parse_qs(parts.query)
    if platform == "dingtalk" and not (
        parts.path.endswith("/robot/send") and "access_token" in query
    ):
        return _(
            "A DingTalk webhook looks like https://oapi.dingtalk.com/robot/send?access_token=…"
        )
    if platform == "feishu" and "/open-apis/bot/v2/hook/" not in parts.path:
        return _("A Feishu webhook looks like https://open.feishu.cn/open-apis/bot/v2/hook/…")
    if platform == "wecom" and not (parts.path.endswith("/webhook/send") and "key" in query):
        return _(
            "A WeCom webhook looks like https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        )
    return None


def _secret_problem(platform: str, secret: str) -> str | None:
    if platform == "wecom" and secret:
        return _("WeCom group robots have no signing secret: leave this empty.")
    if platform == "dingtalk" and secret and not secret.startswith("SEC"):
        return _("A DingTalk signing secret starts with SEC.")
    if any(c.isspace() for c in secret):
        return _("A signing secret has no spaces.")
    return None


def _needs_webhook(data: ChannelData, channel: Channel | None) -> bool:
    """A new channel, a retyped webhook, or another platform than the saved webhook's."""
    return bool(data.webhook) or channel is None or channel.platform != data.platform


def check(data: ChannelData, channel: Channel | None) -> None:
    """Refuse a channel that cannot work: unknown platform, a webhook of the wrong shape."""
    errors: dict[str, str] = {}
    if data.platform not in PLATFORMS:
        errors["platform"] = _("Choose DingTalk, Feishu or WeCom.")
    elif _needs_webhook(data, channel) and (
        problem := _webhook_problem(data.platform, data.webhook)
    ):
        errors["webhook"] = problem
    if data.platform in PLATFORMS and (problem := _secret_problem(data.platform, data.secret)):
        errors["secret"] = problem
    if not data.kinds:
        errors["kinds"] = _("Choose at least one kind of notice for this channel.")
    if errors:
        raise Invalid(errors)


def save_channel(data: ChannelData, channel: Channel | None = None) -> Channel:
    """Add or change a channel; what is not retyped (webhook, secret) stays as saved."""
    check(data, channel)
    if channel is None:
        channel = Channel()
        db.session.add(channel)
    channel.name, channel.platform = data.name, data.platform
    channel.department_id, channel.subtree = data.department_id, data.subtree
    channel.kinds, channel.rich = list(data.kinds), data.rich
    if data.webhook:
        channel.webhook = secrets.encrypt(data.webhook)
        channel.webhook_hint = secrets.mask(data.webhook)
    if data.secret:
        channel.secret = secrets.encrypt(data.secret)
    elif data.clear_secret or data.platform == "wecom":
        channel.secret = None
    db.session.flush()
    return channel


def delete_channel(channel: Channel) -> None:
    db.session.delete(channel)
    db.session.flush()


def credentials(channel: Channel) -> tuple[str, str | None]:
    """The webhook and the signing secret, decrypted for sending only."""
    secret = secrets.decrypt(channel.secret) if channel.secret else None
    return secrets.decrypt(channel.webhook), secret


def latest_deliveries(channel_ids: list[int]) -> dict[int, Delivery]:
    """Each channel's latest delivery attempt (one query), e.g. the result of a test."""
    if not channel_ids:
        return {}
    latest = (
        select(func.max(Delivery.id))
        .where(Delivery.channel_id.in_(channel_ids))
        .group_by(Delivery.channel_id)
    )
    rows = db.session.scalars(select(Delivery).where(Delivery.id.in_(latest))).all()
    return {row.channel_id: row for row in rows if row.channel_id is not None}
