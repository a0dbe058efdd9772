"""Forms of the notify pages: a channel (HR), a person's choice of channel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from okr.forms import optional_int, options, strip_text
from okr.notify.channel_models import PEOPLE
from okr.notify.kinds import kinds
from okr.notify.labels import PEOPLE_LABEL

PLATFORM_LABELS = {"dingtalk": _l("DingTalk"), "feishu": _l("Feishu / Lark"), "wecom": _l("WeCom")}


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChannelForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Enter a name.")), Length(max=100)],
        filters=[strip_text],
    )
    platform = SelectField(_l("Platform"), choices=options(PLATFORM_LABELS.items()))
    department = SelectField(_l("For"), coerce=optional_int)
    subtree = BooleanField(_l("And every department under it"), default=True)
    kinds = Checkboxes(_l("Notices it takes"))
    rich = BooleanField(_l("Markdown or card (else plain text)"), default=True)
    webhook = PasswordField(
        _l("Webhook address"),
        validators=[Optional(), Length(max=500)],
        filters=[strip_text],
        description=_l("Shown once, when you paste it; never shown again after saving."),
    )
    secret = PasswordField(
        _l("Signing secret"),
        validators=[Optional(), Length(max=200)],
        filters=[strip_text],
        description=_l("DingTalk 加签 or Feishu 签名校验; none for WeCom."),
    )
    clear_secret = BooleanField(_l("Remove the saved signing secret"))

    def fill_choices(self, departments: list[tuple[int, str]]) -> None:
        self.department.choices = options([(None, _l("The whole company")), *departments])
        self.kinds.choices = options(
            [(PEOPLE, PEOPLE_LABEL), *((k.name, k.label) for k in kinds() if k.digest)]
        )


class PreferenceForm(FlaskForm):
    channel = SelectField(
        _l("Send my reminders by"),
        choices=options([("email", _l("Email")), ("chat", _l("My department's group chat"))]),
    )
    chat_user_id = StringField(
        _l("My user ID on the group chat"),
        validators=[Optional(), Length(max=100)],
        filters=[strip_text],
        description=_l(
            "So the robot can @-mention you (DingTalk userId, Feishu open_id, WeCom userid)."
        ),
    )
    opted_out = BooleanField(_l("Only mandatory notices (review steps that are due)"))
