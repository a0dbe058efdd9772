"""Web plumbing shared by every feature: rendering full pages or fragments, errors, filters."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, current_app, g, make_response, render_template, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from jinja2_fragments.flask import render_block
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from okr.errors import Invalid
from okr.i18n import LANGUAGE_NAMES
from okr.uploads import page_for_request, too_large_message


def wants_fragment() -> bool:
    """An htmx request for part of a page (not boosted navigation, not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(
    template: str, *, block: str | None = None, status: int = 200, **context: Any
) -> Response:
    """Render a whole page, or only `block` of it for an htmx fragment request."""
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def form_errors(form: FlaskForm, error: Invalid) -> None:
    """Attach service errors to their fields; errors for no field go to the form as a whole."""
    for name, message in error.errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def invalid_status(form: FlaskForm) -> int:
    """422 for a form that was submitted and refused, 200 for a form shown for the first time."""
    return 422 if form.is_submitted() else 200


def _error_page(code: int, title: str, message: str, **context: Any) -> Response:
    """The error page; a fragment request gets the message in the page's flashes instead.

    htmx swaps a boosted navigation's error page in whole (see the htmx-config in base.html); a
    fragment's target must not get a whole page, so the message goes to #flashes.
    """
    if wants_fragment():
        response = make_response(
            render_template("errors/_flash.html", title=title, message=message), code
        )
        response.headers.update(
            {"HX-Retarget": "#flashes", "HX-Reswap": "innerHTML", "HX-Push-Url": "false"}
        )
        response.vary.add("HX-Request")
        return response
    return render(
        "errors/error.html", status=code, code=code, title=title, message=message, **context
    )


def refusal(message: str, links: list[tuple[str, str]] | None = None) -> Response:
    """403 with what is allowed instead and who to ask; `links` are (label, url) pairs."""
    return _error_page(403, _("Not allowed"), message, links=links or [])


def _gettable(path: str) -> bool:
    """Whether a GET of this path finds a page (a POST-only address answers 405)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(path, method="GET")
    except MethodNotAllowed:
        return False
    except HTTPException:  # not found, or a redirect: not this rule's business
        return True
    return True


def init_app(app: Flask) -> None:
    """Blueprints, error pages, template helpers and response headers."""
    from okr.auth.views import bp as auth_bp
    from okr.main.views import bp as main_bp
    from okr.okrs import labels
    from okr.okrs.adjustment_views import bp as adjustments_bp
    from okr.okrs.alignment_views import bp as alignment_bp
    from okr.okrs.correction_views import bp as corrections_bp
    from okr.okrs.cycle_views import bp as cycles_bp
    from okr.okrs.kr_page import bp as kr_page_bp
    from okr.okrs.kr_views import bp as key_results_bp
    from okr.okrs.team_views import bp as team_bp
    from okr.okrs.template_views import bp as kr_templates_bp
    from okr.okrs.views import bp as okrs_bp
    from okr.okrs.week_views import bp as week_bp
    from okr.org.departments import bp as departments_bp
    from okr.org.people import bp as people_bp
    from okr.org.transfer import bp as transfer_bp
    from okr.records.views import bp as records_bp
    from okr.reviews.appraisal_views import bp as appraisals_bp
    from okr.reviews.calibration_views import bp as calibration_bp
    from okr.reviews.flags_views import bp as flags_bp
    from okr.reviews.peer_views import bp as peer_forms_bp
    from okr.reviews.plan_views import bp as plans_bp
    from okr.reviews.ranking_views import bp as rankings_bp
    from okr.reviews.reminders import bp as reminders_bp
    from okr.reviews.template_views import bp as review_templates_bp
    from okr.reviews.views import bp as reviews_bp

    blueprints = (
        main_bp,
        auth_bp,
        departments_bp,
        people_bp,
        transfer_bp,
        okrs_bp,
        key_results_bp,
        cycles_bp,
        week_bp,
        corrections_bp,
        kr_page_bp,
        team_bp,
        alignment_bp,
        kr_templates_bp,
        adjustments_bp,
        review_templates_bp,
        reviews_bp,
        appraisals_bp,
        peer_forms_bp,
        reminders_bp,
        calibration_bp,
        rankings_bp,
        flags_bp,
        plans_bp,
        records_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    labels.register(app)

    @app.errorhandler(403)
    def forbidden(_e: Exception) -> Response:
        return _error_page(403, _("Not allowed"), _("You do not have access to this page."))

    @app.errorhandler(404)
    def not_found(_e: Exception) -> Response:
        return _error_page(404, _("Not found"), _("This page does not exist or was removed."))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_e: Exception) -> Response:
        page = page_for_request()  # an upload form shows the reason beside its file field
        return page or _error_page(413, _("Too large"), too_large_message())

    @app.errorhandler(405)
    def not_allowed(_e: Exception) -> Response:
        return _error_page(
            405,
            _("Not available this way"),
            _("This address cannot be opened like this. Go back and use the page's buttons."),
        )

    @app.errorhandler(500)
    def server_error(_e: Exception) -> Response:
        from okr.extensions import db

        db.session.rollback()
        return _error_page(
            500,
            _("Something went wrong"),
            _(
                "The app could not finish this request; nothing was saved. Try again, and tell "
                "your administrator if it keeps happening."
            ),
        )

    @app.errorhandler(HTTPException)
    def other_error(e: HTTPException) -> Response | HTTPException:
        if e.code is None or e.code < 400:
            return e
        return _error_page(
            e.code,
            _("Not completed"),
            _(
                "The request could not be completed (error %(code)s). Go back and try again.",
                code=e.code,
            ),
        )

    @app.errorhandler(CSRFError)
    def csrf_error(_e: Exception) -> Response:
        return _error_page(
            400,
            _("Form expired"),
            _("The form was open too long or came from elsewhere. Reload the page and try again."),
        )

    @app.context_processor
    def globals_() -> dict[str, Any]:
        return {
            "languages": LANGUAGE_NAMES,
            "current_locale": str(get_locale() or app.config["DEFAULT_LOCALE"]),
            "me": current_user,
        }

    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else ""
    )
    app.jinja_env.filters["date_short"] = lambda value: (
        format_date(value, "medium") if value else ""
    )
    app.jinja_env.filters["number"] = lambda value: (
        format_decimal(value) if value is not None else ""
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.after_request
    def history_url(response: Response) -> Response:
        """A boosted form answered in place at a POST-only address keeps the form page's URL.

        (Otherwise htmx would push the POST address, and reloading it would answer 405.)
        """
        htmx = getattr(request, "htmx", None)
        if (
            htmx
            and htmx.boosted
            and request.method != "GET"
            and not 300 <= response.status_code < 400
            and "HX-Push-Url" not in response.headers
            and not _gettable(request.path)
        ):
            response.headers["HX-Push-Url"] = "false"
        return response

    @app.after_request
    def security_headers(response: Response) -> Response:
        """A strict CSP everywhere, HSTS behind HTTPS, and nothing private kept in any cache."""
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        # Everything is served from here: no inline script, style, handler or eval anywhere.
        # The printable record's one <style> (its page footer) carries this response's nonce.
        style = "'self'" + (f" 'nonce-{nonce}'" if (nonce := g.get("csp_nonce")) else "")
        headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; "
            f"style-src {style}; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        if app.config["SECURE_COOKIES"]:  # served over HTTPS: browsers never try plain HTTP
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if request.endpoint != "static":
            # Pages, fragments, PDFs and exports are someone's data or carry their CSRF token:
            # no browser or proxy keeps them (the back button refetches). Static files cache.
            headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response


def csp_nonce() -> str:
    """A nonce for an inline <style> this response must have (allowed by its CSP only)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)
