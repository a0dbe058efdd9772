"""Sign in and out, the account page, and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from okr.auth.blueprint import bp
from okr.auth.forms import LoginForm, PasswordForm, PreferencesForm, timezone_choices
from okr.auth.models import LoginSession
from okr.auth.services import Throttled, authenticate
from okr.auth.sessions import (
    current_session,
    describe_agent,
    end_session,
    end_sessions,
    note_use,
    open_session,
    resume_session,
    sessions_of,
)
from okr.config import LANGUAGES
from okr.errors import Invalid
from okr.extensions import db, login_manager
from okr.org.models import Person
from okr.org.services import set_password
from okr.unit_of_work import commit_even_on_error
from okr.web import form_errors, invalid_status, render

login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(token: str) -> Person | None:
    """The signed-in person, unless the session ended (signed out, password changed, deactivated)."""
    return resume_session(token)


@bp.before_app_request
def note_session_use() -> None:
    """Keep the last use of the session for the account page (every few minutes, at most)."""
    if request.endpoint == "static":
        return
    if (record := current_session()) is not None:
        note_use(record)


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    flash(_("Please sign in to continue."), "info")
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    # htmx would follow a redirect and swap the sign-in page into part of this one: send the
    # whole window there, back to the page it was on (or going to, for boosted navigation).
    if htmx.boosted and request.method == "GET":
        back = request.full_path.rstrip("?")
    else:
        current = urlsplit(htmx.current_url or "")
        back = current.path + (f"?{current.query}" if current.query else "")
    response = Response(status=401)
    response.headers["HX-Redirect"] = url_for("auth.login", next=back or None)
    return response


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
        if person is None:  # the failed attempt counts towards throttling: keep it
            commit_even_on_error()
        else:
            open_session(person, request.user_agent.string, request.remote_addr or "")
            login_user(person)
            session.pop("locale", None)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = [_("The email or password is not right.")]
    return render("auth/login.html", form=form, status=invalid_status(form))


@bp.post("/logout")
def logout() -> Response:
    """End this session on the server, not only in this browser's cookie."""
    if (record := current_session()) is not None:
        end_session(record)
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


def _account(
    prefs: PreferencesForm, password: PasswordForm, status: int = 200, block: str | None = None
) -> Response:
    return render(
        "auth/account.html",
        block=block,
        prefs=prefs,
        password=password,
        sessions=sessions_of(current_user),
        this_session=current_session(),
        describe_agent=describe_agent,
        status=status,
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Response:
    block = "timezone_field" if "tz" in request.args else None  # htmx: the filtered list only
    return _account(_preferences_form(), PasswordForm(prefix="pw"), block=block)


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_one_session(session_id: int) -> Response:
    """Sign out one of my sessions (another browser, or this one)."""
    record = db.session.get(LoginSession, session_id)
    if record is None or record.person_id != current_user.id:
        abort(404)
    if record is current_session():
        return logout()
    end_session(record)
    flash(_("That session was signed out."), "success")
    return redirect(url_for("auth.account"), code=303)


@bp.post("/account/sessions/end")
@login_required
def end_all_sessions() -> Response:
    """Sign out everywhere, this browser included."""
    end_sessions(current_user)
    logout_user()
    flash(_("You have signed out everywhere."), "info")
    return redirect(url_for("auth.login"), code=303)


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
        refresh()
        flash(_("Your preferences are saved."), "success")
        return redirect(url_for("auth.account"))
    return _account(prefs, PasswordForm(prefix="pw"), 422)


@bp.post("/account/password")
@login_required
def change_password() -> Response:
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash or "", form.current.data):
            form.current.errors = [_("The current password is not right.")]
        else:
            try:
                set_password(current_user, form.new.data)  # ends the other sessions
            except Invalid as exc:
                form_errors(form, exc)
            else:
                flash(_("Your password is changed. Other sessions were signed out."), "success")
                return redirect(url_for("auth.account"))
    return _account(PreferencesForm(prefix="prefs", obj=current_user), form, 422)


@bp.post("/language/<code>")
def set_language(code: str) -> Response:
    """Switch language; saved on the person when signed in, in the session otherwise."""
    if code in LANGUAGES:
        if current_user.is_authenticated:
            current_user.locale = code
        else:
            session["locale"] = code
    return redirect(_safe_next(request.form.get("next")))
