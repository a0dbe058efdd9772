"""Where a key result's numbers come from: typed in, or pushed by the API or an upload.

A pushed key result carries the external id its data pipeline knows (`source_key`, e.g.
``baidu:visits:seo-team``): unique across the company, so one pushed value finds exactly one
key result (okr.checkins.sources). A typed-in key result keeps no key.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from okr.errors import Invalid
from okr.extensions import db
from okr.objectives.models import KeyResult

SOURCES = [
    ("manual", _l("Typed in at check-ins")),
    ("api", _l("Pushed by the API")),
    ("upload", _l("Uploaded from a file (CSV or Excel)")),
]
SOURCE_LABELS = dict(SOURCES)
KEY_LENGTH = 120
_KEY = re.compile(r"[\w.:/@#-]+")  # letters (any script), digits and . : / @ # - _


def checked_source(source: str, key: str, kr_id: int | None) -> tuple[str, str | None]:
    """A source and its key as stored: a pushed source needs a key no other key result has; a
    typed-in key result keeps none."""
    if source not in SOURCE_LABELS:
        raise Invalid({"source": _("Choose where the numbers come from.")})
    key = key.strip()
    if source == "manual":
        return source, None
    if not key:
        raise Invalid({"source_key": _("Enter the external id your data pipeline sends.")})
    if len(key) > KEY_LENGTH or not _KEY.fullmatch(key):
        raise Invalid(
            {
                "source_key": _(
                    "Use at most %(max)d letters, digits and . : / @ # - _ with no spaces, e.g. baidu:visits:seo-team.",
                    max=KEY_LENGTH,
                )
            }
        )
    taken = select(KeyResult.id).where(KeyResult.source_key == key)
    if kr_id is not None:
        taken = taken.where(KeyResult.id != kr_id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise Invalid({"source_key": _("Another key result already has this external id.")})
    return source, key


def set_source(kr: KeyResult, source: str, key: str) -> None:
    """Say where a key result's numbers come from (checked as `checked_source`)."""
    kr.source, kr.source_key = checked_source(source, key, kr.id)
    db.session.flush()
