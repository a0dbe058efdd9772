"""The words for the notify package's stored codes: kinds, delivery statuses, channels."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from okr.notify.channel_models import PEOPLE
from okr.notify.kinds import kind

STATUS_LABELS = {
    "queued": _l("queued"),
    "sending": _l("sending"),
    "sent": _l("sent"),
    "retry": _l("retry later"),
    "failed": _l("failed"),
    "skipped": _l("skipped"),
}
PEOPLE_LABEL = _l("People's reminders (for those who chose chat)")


def kind_label(name: str) -> Any:
    if name == PEOPLE:
        return PEOPLE_LABEL
    known = kind(name)
    return known.label if known else name


def kind_labels(names: list[str]) -> list[Any]:
    return [kind_label(name) for name in names]


def delivery_status(status: str) -> Any:
    return STATUS_LABELS.get(status, status)


def register(bp: Blueprint) -> None:
    bp.add_app_template_global(kind_label, "notice_kind_label")
    bp.add_app_template_global(kind_labels)
    bp.add_app_template_global(delivery_status)
