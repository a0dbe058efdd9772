"""The streak consequences HR acted on (okr.flags: StreakAction) that a record prints.

A consequence belongs to the record of the run's newest cycle (the appraisal the act is
anchored on, whose template's rules the act was judged by); an undone act is not printed.
One query for the record, whatever it holds; none when its template has no streak rules (no
act can be anchored on it).
"""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from okr.explain import CONSEQUENCE_WORDS
from okr.extensions import db
from okr.flags.models import StreakAction
from okr.schemes.format import TemplateSpec


def consequence_lines(spec: TemplateSpec, appraisal_id: int) -> list[str]:
    """Each consequence in force: the rule, the run, what follows, who acted and when, the note."""
    if not spec.domain.streaks:
        return []
    labels = spec.glossary().outcomes
    rules = {r.key: r for r in spec.domain.streaks}
    lines = []
    for action in db.session.scalars(
        select(StreakAction)
        .where(StreakAction.appraisal_id == appraisal_id, StreakAction.undone_at.is_(None))
        .options(joinedload(StreakAction.acted_by))
        .order_by(StreakAction.acted_at, StreakAction.id)
    ):
        rule = rules.get(action.streak_key)
        what = str(CONSEQUENCE_WORDS.get(action.consequence, action.consequence))
        if rule is not None and rule.title:
            what = f"{what}: {rule.title}"
        line = _(
            "%(rule)s: %(run)d cycles in a row, %(what)s (acted on by %(who)s on %(when)s)",
            rule=labels.get(action.streak_key, action.streak_key),
            run=action.run,
            what=what,
            who=action.acted_by.name,
            when=format_datetime(action.acted_at, "medium"),
        )
        lines.append(f"{line}: {action.note}" if action.note else line)
    return lines
