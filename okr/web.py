"""Web plumbing shared by every feature: rendering full pages or fragments, errors, filters."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, make_response, render_template, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from jinja2_fragments.flask import render_block

from okr.errors import Invalid
from okr.i18n import LANGUAGE_NAMES


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


def _error_page(code: int, title: str, message: str) -> Response:
    return render("errors/error.html", status=code, code=code, title=title, message=message)


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
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
