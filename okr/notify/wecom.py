"""WeCom (企业微信) group robot: the webhook request and its answers.

The webhook URL carries the robot's key (`…/cgi-bin/webhook/send?key=…`); there is no signing.
Text: `{"msgtype": "text", "text": {"content", "mentioned_list": [userid]}}`; markdown:
`{"msgtype": "markdown", "markdown": {"content"}}` with `<@userid>` to mention. Success is
`{"errcode": 0, "errmsg": "ok"}`; 93000 is an invalid webhook, 45009 the rate limit (20 a minute).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from okr.notify.message import Message, Outcome
from okr.notify.webhook import Request, describe

RETRY_CODES = {-1, 45009}  # system busy; api freq out of limit


def request(
    webhook: str, secret: str | None, message: Message, now: datetime, rich: bool = True
) -> Request:
    return Request(webhook, markdown(message) if rich else text(message))


def text(message: Message) -> dict[str, Any]:
    body: dict[str, Any] = {"content": message.text()}
    if message.mention:
        body["mentioned_list"] = [message.mention]
    return {"msgtype": "text", "text": body}


def markdown(message: Message) -> dict[str, Any]:
    parts = [f"**{message.title}**", *(f"> {line}" for line in message.lines)]
    if message.url:
        parts.append(f"[{message.link_label}]({message.url})")
    if message.mention:
        parts.append(f"<@{message.mention}>")
    return {"msgtype": "markdown", "markdown": {"content": "\n".join(parts)}}


def read(answer: dict[str, Any]) -> Outcome:
    code = answer.get("errcode")
    said = describe(code, answer.get("errmsg"))
    if code == 0:
        return Outcome("sent", said)
    return Outcome("retry" if code in RETRY_CODES else "failed", said)
