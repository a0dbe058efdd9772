"""Feishu / Lark custom bot (自定义机器人): the signed webhook request and its answers.

Signing (签名校验): `sign = Base64(HmacSHA256(key=f"{timestamp}\\n{secret}", msg=b""))`, the
timestamp in seconds (within an hour of Feishu's clock), both sent in the JSON body as strings.
Text: `{"msg_type": "text", "content": {"text"}}` with `<at user_id="ou_…"></at>`; a card:
`{"msg_type": "interactive", "card": {"header", "elements"}}` with `<at id=ou_…></at>` in its
lark_md. Success is `{"code": 0, "msg": "success"}` (older bots: `{"StatusCode": 0}`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from typing import Any

from okr.notify.message import Message, Outcome
from okr.notify.webhook import Request, describe

RETRY_CODES = {11232}  # "frequency limited": 100 a minute, 5 a second per bot


def sign(secret: str, timestamp: int) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def request(
    webhook: str, secret: str | None, message: Message, now: datetime, rich: bool = True
) -> Request:
    body = card(message) if rich else text(message)
    if secret:
        timestamp = int(now.timestamp())
        body = {"timestamp": str(timestamp), "sign": sign(secret, timestamp), **body}
    return Request(webhook, body)


def text(message: Message) -> dict[str, Any]:
    content = message.text()
    if message.mention:
        content += f' <at user_id="{message.mention}"></at>'
    return {"msg_type": "text", "content": {"text": content}}


def card(message: Message) -> dict[str, Any]:
    body = "\n".join(message.lines)
    if message.mention:
        body += f"\n<at id={message.mention}></at>"
    elements: list[dict[str, Any]] = [{"tag": "div", "text": {"tag": "lark_md", "content": body}}]
    if message.url:
        button = {
            "tag": "button",
            "text": {"tag": "plain_text", "content": message.link_label},
            "url": message.url,
            "type": "primary",
        }
        elements.append({"tag": "action", "actions": [button]})
    header = {"title": {"tag": "plain_text", "content": message.title}, "template": "blue"}
    return {"msg_type": "interactive", "card": {"header": header, "elements": elements}}


def read(answer: dict[str, Any]) -> Outcome:
    code = answer.get("code", answer.get("StatusCode"))
    said = describe(code, answer.get("msg", answer.get("StatusMessage")))
    if code == 0:
        return Outcome("sent", said)
    return Outcome("retry" if code in RETRY_CODES else "failed", said)
