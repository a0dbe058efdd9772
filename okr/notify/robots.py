"""The three group-robot platforms behind one call: build the request as the platform
documents it, post it, and sort the platform's answer."""

from __future__ import annotations

from datetime import datetime
from types import ModuleType

from okr.notify import dingtalk, feishu, wecom
from okr.notify.message import Message, Outcome
from okr.notify.webhook import Request, post_json

PLATFORMS: dict[str, ModuleType] = {"dingtalk": dingtalk, "feishu": feishu, "wecom": wecom}


def build(
    platform: str, webhook: str, secret: str | None, message: Message, now: datetime, rich: bool
) -> Request:
    return PLATFORMS[platform].request(webhook, secret, message, now, rich)


def send(
    platform: str,
    webhook: str,
    secret: str | None,
    message: Message,
    *,
    now: datetime,
    rich: bool = True,
    timeout: float = 10.0,
) -> Outcome:
    """Send one message to a group robot; the answer never carries the webhook or secret."""
    module = PLATFORMS[platform]
    built = module.request(webhook, secret, message, now, rich)
    return post_json(built, timeout, module.read, (built.url, webhook, secret, _key(webhook)))


def _key(webhook: str) -> str | None:
    """The token part of a webhook URL (access_token=…, key=…, …/hook/<id>)."""
    tail = webhook.rsplit("=", 1)[-1] if "=" in webhook else webhook.rsplit("/", 1)[-1]
    return tail if len(tail) >= 8 else None
