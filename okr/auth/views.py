"""Sign in and out, the account page, and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from okr.auth.forms import LoginForm, PasswordForm, PreferencesForm, timezone_choices
from okr.auth.services import Throttled, authenticate
from okr.config import LANGUAGES
from okr.errors import Invalid
from okr.extensions import db, login_manager
from okr.org.models import Person
from okr.org.services import set_password
from okr.web import form_errors, invalid_status, render

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> Person | None:
    """The signed-in person, unless deactivated or signed out by a password change."""
    person_id, _sep, nonce = user_id.partition(":")
    if not person_id.isdigit():
        return None
    person = db.session.get(Person, int(person_id))
    if person is None or not person.active or person.session_nonce != nonce:
        return None
    return person


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    flash(_("Please sign in to continue."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _safe_next(target: str | None) -> str:
    """A path on this site, else home. Browsers read a backslash as a slash (/\\evil = //evil)."""
    judged = (target or "").replace("\\", "/")
    parts = urlsplit(judged)
    local = judged.startswith("/") and not judged.startswith("//")
    if target and local and not parts.scheme and not parts.netloc:
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            person = authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except Throttled as exc:
            form.form_errors.append(
                _(
                    "Too many failed attempts. Try again in %(minutes)d minutes.",
                    minutes=exc.minutes,
                )
            )
            return render("auth/login.html", form=form, status=429)
        db.session.commit()
        if person is not None:
            login_user(person)
            session.pop("locale", None)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = [_("The email or password is not right.")]
    return render("auth/login.html", form=form, status=invalid_status(form))


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Response:
    prefs = _preferences_form()
    password = PasswordForm(prefix="pw")
    block = "timezone_field" if "tz" in request.args else None  # htmx: the filtered list only
    return render("auth/account.html", block=block, prefs=prefs, password=password)


def _preferences_form() -> PreferencesForm:
    """The preferences as saved; ?tz= narrows the timezone list, keeping ?prefs-timezone= chosen."""
    query, chosen = request.args.get("tz", ""), request.args.get("prefs-timezone")
    prefs = PreferencesForm(prefix="prefs", obj=current_user, timezone_query=query)
    if chosen is not None:
        prefs.timezone.data = chosen
        prefs.timezone.choices = timezone_choices(query, chosen)
    return prefs


@bp.post("/account/preferences")
@login_required
def preferences() -> Response:
    prefs = PreferencesForm(prefix="prefs")
    if prefs.validate_on_submit():
        current_user.locale = prefs.locale.data or None
        current_user.timezone = prefs.timezone.data or None
        db.session.commit()
        refresh()
        flash(_("Your preferences are saved."), "success")
        return redirect(url_for("auth.account"))
    return render("auth/account.html", prefs=prefs, password=PasswordForm(prefix="pw"), status=422)


@bp.post("/account/password")
@login_required
def change_password() -> Response:
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash or "", form.current.data):
            form.current.errors = [_("The current password is not right.")]
        else:
            try:
                set_password(current_user, form.new.data)
            except Invalid as exc:
                form_errors(form, exc)
            else:
                db.session.commit()
                # keep this session (the others end with the old nonce); the person, not the
                # proxy: login_user stores what it gets as current_user, a proxy to itself
                login_user(current_user._get_current_object())
                flash(_("Your password is changed. Other sessions were signed out."), "success")
                return redirect(url_for("auth.account"))
    prefs = PreferencesForm(prefix="prefs", obj=current_user)
    return render("auth/account.html", prefs=prefs, password=form, status=422)


@bp.post("/language/<code>")
def set_language(code: str) -> Response:
    """Switch language; saved on the person when signed in, in the session otherwise."""
    if code in LANGUAGES:
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
        else:
            session["locale"] = code
    return redirect(_safe_next(request.form.get("next")))
