"""Who a request of the API is: the owner of its bearer token, cut to the token's scopes.

No cookie session and no CSRF here: a request is signed in by `Authorization: Bearer okr_…`
only, and then acts as the token's owner (Flask-Login's `current_user`), so every access rule of
the pages applies as it is. A scope can only take away from what the owner may.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from babel import Locale
from flask import Response, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user

from okr.api.models import ApiToken
from okr.api.problems import problem
from okr.api.tokens import authenticate, note_use
from okr.config import LANGUAGES

F = TypeVar("F", bound=Callable[..., Any])
CHALLENGE = 'Bearer realm="okr"'


def bearer_secret() -> str:
    """The token sent in the Authorization header, or ""."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def api_locale() -> str:
    """Accept-Language (zh or en) when sent, else the owner's language, else the company's."""
    if request.headers.get("Accept-Language"):
        best = request.accept_languages.best_match(LANGUAGES)
        if best:
            return best
    token = g.get("api_token")
    if token is not None and token.owner.locale in LANGUAGES:
        return str(token.owner.locale)
    return str(current_app.config["DEFAULT_LOCALE"])


def use_locale() -> None:
    # Flask-Babel keeps the request's locale on `g` (as its force_locale does): the API answers
    # in the language asked for, also in the messages that services translate.
    g.babel_locale = Locale.parse(api_locale())
    g.babel_translations = None


def sign_in_by_token() -> Response | None:
    """Before every API request: find the token, or answer 401 with a challenge."""
    use_locale()
    secret = bearer_secret()
    token = authenticate(secret) if secret else None
    if token is None:
        detail = _("This token is unknown, expired or revoked.") if secret else None
        challenge = CHALLENGE + (', error="invalid_token"' if secret else "")
        return problem(401, detail, kind="unauthorized", headers={"WWW-Authenticate": challenge})
    g.api_token = token
    g._login_user = token.owner  # Flask-Login's current_user for this request
    use_locale()
    note_use(token)
    return None


def current_token() -> ApiToken:
    return g.api_token  # type: ignore[no-any-return]


def has_scope(scope: str) -> bool:
    return scope in current_token().scopes


def requires(scope: str, *, hr: bool = False) -> Callable[[F], F]:
    """Decorate an API view: the token needs `scope`, and with `hr` its owner must be HR.

    Reusable by any endpoint of an API blueprint (`okr.api.blueprint.api_blueprint`)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not has_scope(scope):
                return problem(
                    403,
                    _("This token lacks the %(scope)s scope.", scope=scope),
                    kind="insufficient-scope",
                    headers={
                        "WWW-Authenticate": f'{CHALLENGE}, error="insufficient_scope", '
                        f'scope="{scope}"'
                    },
                )
            if hr and not current_user.is_admin:
                return problem(403, _("Only HR may read this."), kind="forbidden")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
