"""The tokens page: make a token (shown once), list mine with last use, revoke; HR sees all."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.access import ensure
from okr.api.blueprint import pages as bp
from okr.api.forms import SCOPE_LABELS, TokenForm
from okr.api.models import ApiToken
from okr.api.tokens import create_token, max_days, may_manage, revoke, tokens_query
from okr.db import utcnow
from okr.errors import Invalid
from okr.extensions import db
from okr.paging import paged
from okr.web import form_errors, invalid_status, render


def _page(form: TokenForm, secret: str | None = None, status: int = 200) -> Response:
    everyone = current_user.is_admin and request.args.get("everyone") == "1"
    tokens, paging = paged(
        tokens_query(current_user, everyone), request.args.get("page", 1, type=int)
    )
    return render(
        "api/tokens.html",
        status=status,
        form=form,
        secret=secret,
        tokens=tokens,
        paging=paging,
        everyone=everyone,
        scope_labels=SCOPE_LABELS,
        max_days=max_days(),
        now=utcnow(),
    )


@bp.get("/account/api-tokens")
@login_required
def tokens() -> Response:
    """My tokens (HR: anyone's with ?everyone=1) and the form for a new one."""
    return _page(TokenForm(formdata=None))


@bp.post("/account/api-tokens")
@login_required
def create() -> Response:
    """Make a token and show it this once."""
    form = TokenForm()
    form.validate()  # reads the fields (a number of days that is no number is None)
    try:
        _token, secret = create_token(
            current_user, form.name.data or "", form.scopes.data or [], form.days.data
        )
    except Invalid as exc:
        form_errors(form, exc)
        return _page(form, status=invalid_status(form))
    return _page(TokenForm(formdata=None), secret=secret)


@bp.post("/account/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response:
    """End a token now (mine; HR: anyone's)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    ensure(may_manage(current_user, token))
    revoke(token)
    flash(_("The token “%(name)s” was revoked.", name=token.name), "success")
    everyone = "1" if token.owner_id != current_user.id else None
    return redirect(url_for("api_pages.tokens", everyone=everyone), code=303)


@bp.get("/api/v1/docs")
def docs() -> Response:
    """The API's documentation, drawn by the vendored Swagger UI from the document."""
    g.csp_data_images = True  # its icons are data: URLs (okr.http, this page only)
    return render("api/docs.html", spec_url=url_for("api-docs.openapi_json"))
