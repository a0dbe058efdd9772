"""The forms of the improvement-plan page: an item, a follow-up note, closing, drafting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from okr.forms import VersionedForm, options
from okr.plans import services as plans


class ItemForm(FlaskForm):
    section = SelectField(_l("Section"), choices=options(plans.SECTIONS.items()))
    title = StringField(
        _l("What"), validators=[InputRequired(_l("Say what is to be done.")), Length(max=300)]
    )
    current = StringField(_l("Now"), validators=[Length(max=100)])
    target = StringField(_l("Target"), validators=[Length(max=100)])
    owner = SelectField(_l("Owner"), coerce=int)
    due = DateField(_l("Due"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=options(plans.ITEM_STATUSES.items()))


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Follow-up note"), validators=[Length(max=2000)])


class CloseForm(VersionedForm):
    outcome = TextAreaField(_l("Outcome"), validators=[Length(max=4000)])


class DraftForm(FlaskForm):
    targets = SelectField(
        _l("New targets for key results"),
        choices=options([("full", _l("the key result's target")), ("half", _l("half-way to it"))]),
    )
