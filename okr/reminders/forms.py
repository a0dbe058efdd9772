"""HR's form for the company's reminder calendar."""

from __future__ import annotations

import zoneinfo
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from okr.forms import options
from okr.reminders.calendar import KIND_LABELS, Calendar

WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
TIME_NEEDED = _l("Enter a time of day, such as 16:00.")


def _weekday(label: Any) -> SelectField:
    return SelectField(label, coerce=int, choices=options(enumerate(WEEKDAYS)))


def _time(label: Any, description: Any = None) -> TimeField:
    return TimeField(label, description=description, validators=[InputRequired(TIME_NEEDED)])


def _days(label: Any, description: Any, low: int) -> IntegerField:
    return IntegerField(
        label,
        description=description,
        validators=[
            InputRequired(_l("Enter a whole number of days.")),
            NumberRange(low, 60, _l("Between %(min)s and %(max)s days.")),
        ],
    )


def _known_zone(_form: FlaskForm, field: StringField) -> None:
    if (field.data or "").strip() not in zoneinfo.available_timezones():
        raise ValidationError(_l("Enter a timezone name such as Asia/Shanghai."))


class CalendarForm(FlaskForm):
    timezone = StringField(
        _l("The company's timezone"),
        validators=[InputRequired(_l("Enter a timezone name such as Asia/Shanghai.")), _known_zone],
        description=_l("An IANA name, such as Asia/Shanghai; every time below is in it."),
    )
    due_weekday = _weekday(_l("Check-in due on"))
    due_time = _time(_l("at"))
    nudge_weekday = _weekday(_l("Second nudge on"))
    nudge_time = _time(
        _l("at"), _l("Later in the same week (weeks run Monday to Sunday), to those still missing.")
    )
    digest_weekday = _weekday(_l("Manager's digest on"))
    digest_time = _time(_l("at"))
    quiet_start = _time(_l("Quiet hours from"))
    quiet_end = _time(_l("until"), _l("A reminder due in the quiet hours waits for their end."))
    review_due_days = _days(
        _l("Review stage due, days before the deadline"),
        _l("Self-assessment, team evaluation and interview reminders start this early."),
        0,
    )
    escalate_days = _days(
        _l("Escalate to the manager after, days overdue"),
        _l("A stage still open this many days after its deadline is sent to the manager too."),
        1,
    )
    ack_days = _days(
        _l("Acknowledge a released result within, days"),
        _l("The acknowledgement's deadline, counted from the release."),
        1,
    )
    checkin_due = BooleanField(_l("Weekly check-in due"))
    checkin_nudge = BooleanField(_l("Second check-in nudge"))
    manager_digest = BooleanField(_l("Manager's weekly digest"))
    review_due = BooleanField(_l("Review stage due"))
    review_overdue = BooleanField(_l("Review stage overdue"))
    review_escalated = BooleanField(_l("Review stage overdue, to the manager"))
    hr_stage_digest = BooleanField(_l("HR's review-stage digest"))
    department_stage_digest = BooleanField(_l("Department's review-stage digest"))
    plan_follow_up = BooleanField(_l("Improvement plan follow-up"))
    flag_to_hr = BooleanField(_l("Consecutive low results, to HR"))
    planning_closes_soon = BooleanField(_l("Planning closes soon"))
    assessment_closes_soon = BooleanField(_l("Assessment closes soon"))

    KINDS = tuple(KIND_LABELS)
    SETTINGS = (
        *("timezone", "due_weekday", "due_time", "nudge_weekday", "nudge_time"),
        *("digest_weekday", "digest_time", "quiet_start", "quiet_end"),
        *("review_due_days", "escalate_days", "ack_days"),
    )

    def validate_nudge_time(self, field: TimeField) -> None:
        if self.nudge_weekday.data is None or field.data is None or self.due_time.data is None:
            return
        if (self.nudge_weekday.data, field.data) <= (self.due_weekday.data, self.due_time.data):
            raise ValidationError(
                _l("The nudge comes after the check-in is due, in the same week.")
            )

    def fill(self, calendar: Calendar) -> None:
        for name in self.SETTINGS:
            getattr(self, name).data = getattr(calendar, name)
        for kind in self.KINDS:
            getattr(self, kind).data = calendar.on(kind)

    def calendar(self) -> Calendar:
        values = {name: getattr(self, name).data for name in self.SETTINGS}
        values["timezone"] = values["timezone"].strip()
        kinds = tuple(kind for kind in self.KINDS if getattr(self, kind).data)
        return Calendar(**values, kinds=kinds)


class DryRunForm(FlaskForm):
    """A GET filter: the moment to plan for (company time), empty for now."""

    class Meta:
        csrf = False

    at = StringField(
        _l("Plan as of"),
        description=_l(
            "A moment such as 2026-12-04 16:00 in the company's timezone; empty for now."
        ),
    )
