"""The notify package's own kind: HR's "send a test message" to one channel (or to their mail)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from okr.db import utcnow
from okr.notify.kinds import Sample, notice_kind
from okr.notify.outbox import Post, post

TEST = "notify.test"


def _sample() -> Sample:
    return (
        _("Test message from OKR"),
        [_("If you can read this, notices reach this channel.")],
        "/",
    )


notice_kind(TEST, _l("Test message"), sample=_sample, mandatory=True)


def post_test(person_id: int, language: str, channel_id: int | None) -> str:
    """Queue a test notice for HR: to the channel, or (no channel) to their own email."""
    with force_locale(language):
        title, lines, link = _sample()
    key = f"{TEST}:{channel_id or 'email'}:{person_id}:{utcnow().isoformat()}"
    params = {"channel_id": channel_id} if channel_id else {}
    post([Post(TEST, key, title, lines, link, person_id=person_id, mandatory=True, params=params)])
    return key
