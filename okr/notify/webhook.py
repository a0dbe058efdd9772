"""Posting JSON to a chat robot's webhook with urllib, and sorting what comes back.

A timeout, a refused connection, HTTP 429 and 5xx are worth another try later; any other HTTP
error is final. The platform's own body is read by each sender (dingtalk, feishu, wecom).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from okr.notify.message import Outcome, redact

MAX_ANSWER = 500


@dataclass(frozen=True)
class Request:
    """A robot request as the platform documents it: where, and the JSON body."""

    url: str
    body: dict[str, Any]


def post_json(
    request: Request,
    timeout: float,
    read: Callable[[dict[str, Any]], Outcome],
    secrets: tuple[str | None, ...],
) -> Outcome:
    """Send the request; the platform's JSON answer is sorted by `read`."""
    data = json.dumps(request.body, ensure_ascii=False).encode("utf-8")
    http = urllib.request.Request(
        request.url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(http, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        answer = _clip(f"HTTP {exc.code}: {exc.read().decode('utf-8', 'replace')}", secrets)
        retry = exc.code == 429 or exc.code >= 500
        return Outcome("retry" if retry else "failed", answer)
    except TimeoutError as exc:
        return Outcome("retry", _clip(f"timeout: {exc}", secrets))
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, OSError):
            return Outcome("retry", _clip(f"connection failed: {exc.reason}", secrets))
        return Outcome("failed", _clip(f"bad address: {exc.reason}", secrets))
    except (ConnectionError, OSError) as exc:
        return Outcome("retry", _clip(f"connection failed: {exc}", secrets))
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Outcome("failed", _clip(f"not JSON: {raw[:200]!r}", secrets))
    if not isinstance(answer, dict):
        return Outcome("failed", _clip(f"not a JSON object: {answer!r}", secrets))
    outcome = read(answer)
    return Outcome(outcome.status, _clip(outcome.answer, secrets))


def _clip(text: str, secrets: tuple[str | None, ...]) -> str:
    return redact(text, *secrets)[:MAX_ANSWER]


def describe(code: object, message: object) -> str:
    """The platform's answer as kept in the delivery log: its code and its own message."""
    return f"{code}: {message}"
