"""What a sender sends and what it learns: one message in the recipient's language, and the
channel's answer sorted into sent, retry later, or failed for good."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["sent", "retry", "failed"]


@dataclass(frozen=True)
class Message:
    """A notice made ready for a channel: absolute link, its words, whom to @-mention."""

    title: str
    lines: tuple[str, ...] = ()
    url: str | None = None  # absolute (OKR_BASE_URL + the notice's link)
    link_label: str = "Open"  # "Open in OKR" in the recipient's language
    mention: str | None = None  # the person's user id on the chat platform, if any

    def text(self) -> str:
        """The plain form: title, lines, the link on its own line."""
        parts = [self.title, *self.lines]
        if self.url:
            parts.append(f"{self.link_label}: {self.url}")
        return "\n".join(parts)


@dataclass(frozen=True)
class Outcome:
    """The channel's answer: `answer` is its own words (secrets removed)."""

    status: Status
    answer: str

    @property
    def sent(self) -> bool:
        return self.status == "sent"


def absolute_url(base_url: str, link: str | None) -> str | None:
    """The notice's app path made absolute with OKR_BASE_URL (no base: the path as it is)."""
    if not link:
        return None
    if link.startswith(("http://", "https://")):
        return link
    return base_url.rstrip("/") + "/" + link.lstrip("/")


def redact(text: str, *secrets: str | None) -> str:
    """Remove every secret (webhook URL, token, signing secret, password) from a text."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
