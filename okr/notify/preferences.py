"""Each person's choice: email (the default) or their department's group chat, and opting out
of notices that are not mandatory."""

from __future__ import annotations

from flask_babel import gettext as _

from okr.errors import Invalid
from okr.extensions import db
from okr.notify.channel_models import PEOPLE, NoticePreference
from okr.notify.routing import World
from okr.org.models import Person


def preference_of(person: Person) -> NoticePreference:
    """The saved choice, or the default (email, everything) not yet saved."""
    saved = db.session.get(NoticePreference, person.id)
    return saved or NoticePreference(
        person_id=person.id, channel="email", chat_user_id="", opted_out=False
    )


def chat_channel_name(person: Person) -> str | None:
    """The nearest group chat that takes people's reminders for the person's department."""
    nearest = World.load([]).covering(person.department_id, PEOPLE)
    return nearest[0].name if nearest else None


def save_preference(
    person: Person, channel: str, chat_user_id: str, opted_out: bool
) -> NoticePreference:
    """Chat only where a channel of the person's department takes people's reminders."""
    if channel not in ("email", "chat"):
        raise Invalid({"channel": _("Choose email or the group chat.")})
    if channel == "chat" and chat_channel_name(person) is None:
        raise Invalid(
            {
                "channel": _(
                    "No group chat of your department takes reminders yet: keep email, or ask HR."
                )
            }
        )
    preference = db.session.get(NoticePreference, person.id)
    if preference is None:
        preference = NoticePreference(person_id=person.id)
        db.session.add(preference)
    preference.channel, preference.chat_user_id = channel, chat_user_id
    preference.opted_out = opted_out
    db.session.flush()
    return preference
