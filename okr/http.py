"""The app's answers around the views: error pages and the headers on every response."""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from okr.extensions import db
from okr.uploads import page_for_request, too_large_message
from okr.web import error_page


def init_app(app: Flask) -> None:
    """Error pages, the history-URL fix for boosted forms, and the security headers."""
    _error_pages(app)
    app.after_request(history_url)
    app.after_request(security_headers)


def _error_pages(app: Flask) -> None:
    for key, handler in (
        (403, forbidden),
        (404, not_found),
        (RequestEntityTooLarge, too_large),
        (405, not_allowed),
        (500, server_error),
        (HTTPException, other_error),
        (CSRFError, csrf_error),
    ):
        app.register_error_handler(key, handler)


def forbidden(_e: Exception) -> Response:
    return error_page(403, _("Not allowed"), _("You do not have access to this page."))


def not_found(_e: Exception) -> Response:
    return error_page(404, _("Not found"), _("This page does not exist or was removed."))


def too_large(_e: Exception) -> Response:
    page = page_for_request()  # an upload form shows the reason beside its file field
    return page or error_page(413, _("Too large"), too_large_message())


def not_allowed(_e: Exception) -> Response:
    return error_page(
        405,
        _("Not available this way"),
        _("This address cannot be opened like this. Go back and use the page's buttons."),
    )


def server_error(_e: Exception) -> Response:
    db.session.rollback()
    return error_page(
        500,
        _("Something went wrong"),
        _(
            "The app could not finish this request; nothing was saved. Try again, and tell "
            "your administrator if it keeps happening."
        ),
    )


def other_error(e: HTTPException) -> Response | HTTPException:
    if e.code is None or e.code < 400:
        return e
    return error_page(
        e.code,
        _("Not completed"),
        _(
            "The request could not be completed (error %(code)s). Go back and try again.",
            code=e.code,
        ),
    )


def csrf_error(_e: Exception) -> Response:
    return error_page(
        400,
        _("Form expired"),
        _("The form was open too long or came from elsewhere. Reload the page and try again."),
    )


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


def security_headers(response: Response) -> Response:
    """A strict CSP everywhere, HSTS behind HTTPS, and nothing private kept in any cache."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    # Everything is served from here: no inline script, style, handler or eval anywhere.
    # The printable record's one <style> (its page footer) carries this response's nonce.
    style = "'self'" + (f" 'nonce-{nonce}'" if (nonce := g.get("csp_nonce")) else "")
    # The API's docs page (vendored Swagger UI) draws its icons from data: URLs in its CSS.
    images = "img-src 'self' data:; " if g.get("csp_data_images") else ""
    headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; "
        f"style-src {style}; {images}"
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    if current_app.config["SECURE_COOKIES"]:  # served over HTTPS: browsers never try plain HTTP
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
