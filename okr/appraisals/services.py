"""The appraisal's own steps: acknowledging a released result."""

from __future__ import annotations

from flask_babel import gettext as _

from okr.db import utcnow
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.org.models import Person
from okr.reviews.models import Appraisal


def acknowledge(
    appraisal: Appraisal, person: Person, agree: bool, note: str, version: int | None
) -> None:
    """The person accepts the result or records their disagreement; either way it is then locked."""
    if version is not None and appraisal.version != version:
        raise StaleEdit()
    if appraisal.person_id != person.id:
        raise Invalid({"_": _("Only the person can acknowledge their own result.")})
    if appraisal.released_at is None:
        raise Invalid({"_": _("The result is not released yet.")})
    if appraisal.acknowledged_at is not None:
        raise Invalid({"_": _("Already acknowledged.")})
    if not agree and not note.strip():
        raise Invalid({"note": _("Say what you disagree with; it is recorded with your result.")})
    appraisal.acknowledgement = "agree" if agree else "disagree"
    appraisal.acknowledgement_note = note.strip()
    appraisal.acknowledged_at = utcnow()
    appraisal.status = "acknowledged"
    db.session.flush()
