"""HR's channels: list, add, edit, delete, and "send a test message" (a notice the job sends)."""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from okr.access import admin_required
from okr.errors import Invalid
from okr.extensions import db
from okr.forms import ActionForm
from okr.notify import channels
from okr.notify.blueprint import bp
from okr.notify.channel_models import Channel
from okr.notify.delivery_job import ask_for_delivery
from okr.notify.forms import PLATFORM_LABELS, ChannelForm
from okr.notify.labels import register
from okr.notify.own_kinds import post_test
from okr.org.queries import department_paths
from okr.web import form_errors, invalid_status, render

register(bp)


def _form(channel: Channel | None = None) -> ChannelForm:
    form = ChannelForm(obj=channel)
    if channel is not None and not form.is_submitted():
        form.department.data = channel.department_id
    paths = department_paths()
    form.fill_choices(sorted(paths.items(), key=lambda item: item[1]))
    return form


def _data(form: ChannelForm) -> channels.ChannelData:
    return channels.ChannelData(
        name=form.name.data or "",
        platform=form.platform.data or "",
        department_id=form.department.data,
        subtree=bool(form.subtree.data),
        kinds=list(form.kinds.data or []),
        rich=bool(form.rich.data),
        webhook=form.webhook.data or "",
        secret=form.secret.data or "",
        clear_secret=bool(form.clear_secret.data),
    )


@bp.get("/channels")
@admin_required
def channel_list() -> Response:
    rows = db.session.scalars(select(Channel).order_by(Channel.name, Channel.id)).all()
    return render(
        "notify/channels.html",
        channels=rows,
        latest=channels.latest_deliveries([c.id for c in rows]),
        paths=department_paths(),
        platforms=PLATFORM_LABELS,
        action=ActionForm(),
    )


def _edit(channel: Channel | None) -> Response:
    form = _form(channel)
    if form.validate_on_submit():
        try:
            saved = channels.save_channel(_data(form), channel)
        except Invalid as error:
            form_errors(form, error)
        else:
            flash(_("Channel “%(name)s” saved.", name=saved.name), "success")
            return redirect(url_for("notify.channel_list"), code=303)
    return render(
        "notify/channel_form.html", form=form, channel=channel, status=invalid_status(form)
    )


@bp.route("/channels/new", methods=["GET", "POST"])
@admin_required
def new_channel() -> Response:
    return _edit(None)


@bp.route("/channels/<int:channel_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_channel(channel_id: int) -> Response:
    return _edit(db.get_or_404(Channel, channel_id))


@bp.post("/channels/<int:channel_id>/delete")
@admin_required
def delete_channel(channel_id: int) -> Response:
    channel = db.get_or_404(Channel, channel_id)
    if ActionForm().validate_on_submit():
        name = channel.name
        channels.delete_channel(channel)
        flash(_("Channel “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("notify.channel_list"), code=303)


@bp.post("/channels/<int:channel_id>/test")
@admin_required
def test_channel(channel_id: int) -> Response:
    channel = db.get_or_404(Channel, channel_id)
    if ActionForm().validate_on_submit():
        post_test(current_user.id, current_user.locale or _default_locale(), channel.id)
        ask_for_delivery(current_user.id)
        flash(_("A test message is on its way to “%(name)s”.", name=channel.name), "success")
    return redirect(url_for("notify.channel_list"), code=303)


@bp.post("/test-email")
@admin_required
def test_email() -> Response:
    if ActionForm().validate_on_submit():
        post_test(current_user.id, current_user.locale or _default_locale(), None)
        ask_for_delivery(current_user.id)
        flash(_("A test email is on its way to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("notify.channel_list"), code=303)


def _default_locale() -> str:
    from flask import current_app

    return current_app.config["DEFAULT_LOCALE"]
