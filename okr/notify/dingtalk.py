"""DingTalk custom robot (自定义机器人): the signed webhook request and its answers.

Signing (加签): `sign = Base64(HmacSHA256(key=secret, msg=f"{timestamp}\\n{secret}"))`, the
timestamp in milliseconds (DingTalk refuses one more than an hour off), both added to the
webhook URL as `&timestamp=…&sign=…` (URL-encoded). Text: `{"msgtype": "text", "text":
{"content"}}`; markdown: `{"msgtype": "markdown", "markdown": {"title", "text"}}`; an
@-mention is `"at": {"atUserIds": [...]}` and, in markdown, `@userId` in the text too.
Success is `{"errcode": 0, "errmsg": "ok"}`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from okr.notify.message import Message, Outcome
from okr.notify.webhook import Request, describe

RETRY_CODES = {-1, 130101, 410100}  # system busy; sending too fast (20 a minute); flow control


def sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def request(
    webhook: str, secret: str | None, message: Message, now: datetime, rich: bool = True
) -> Request:
    url = webhook
    if secret:
        timestamp = int(now.timestamp() * 1000)
        query = urlencode({"timestamp": timestamp, "sign": sign(secret, timestamp)})
        url += ("&" if "?" in url else "?") + query
    return Request(url, markdown(message) if rich else text(message))


def _at(message: Message) -> dict[str, Any]:
    return {"atUserIds": [message.mention] if message.mention else [], "isAtAll": False}


def text(message: Message) -> dict[str, Any]:
    content = message.text()
    if message.mention:
        content += f"\n@{message.mention}"
    return {"msgtype": "text", "text": {"content": content}, "at": _at(message)}


def markdown(message: Message) -> dict[str, Any]:
    parts = [f"#### {message.title}", *(f"- {line}" for line in message.lines)]
    if message.url:
        parts.append(f"[{message.link_label}]({message.url})")
    if message.mention:
        parts.append(f"@{message.mention}")
    return {
        "msgtype": "markdown",
        "markdown": {"title": message.title, "text": "\n\n".join(parts)},
        "at": _at(message),
    }


def read(answer: dict[str, Any]) -> Outcome:
    code = answer.get("errcode")
    said = describe(code, answer.get("errmsg"))
    if code == 0:
        return Outcome("sent", said)
    return Outcome("retry" if code in RETRY_CODES else "failed", said)
