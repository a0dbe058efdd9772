"""A person's page: how their reminders reach them, and opting out of the optional ones."""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.errors import Invalid
from okr.notify.blueprint import bp
from okr.notify.forms import PreferenceForm
from okr.notify.preferences import chat_channel_name, preference_of, save_preference
from okr.web import form_errors, invalid_status, render


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences() -> Response:
    form = PreferenceForm(obj=preference_of(current_user))
    if form.validate_on_submit():
        try:
            save_preference(
                current_user,
                form.channel.data or "email",
                form.chat_user_id.data or "",
                bool(form.opted_out.data),
            )
        except Invalid as error:
            form_errors(form, error)
        else:
            flash(_("Your notice settings are saved."), "success")
            return redirect(url_for("notify.preferences"), code=303)
    return render(
        "notify/preferences.html",
        form=form,
        chat=chat_channel_name(current_user),
        status=invalid_status(form),
    )
