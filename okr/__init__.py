"""OKR and performance reviews: the application factory."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, then every feature (okr.wiring) and the
    error pages and headers (okr.http)."""
    from okr import http, i18n, models, templating, wiring  # noqa: F401  (models: register tables)
    from okr.config import configure
    from okr.extensions import babel, csrf, db, htmx, login_manager, migrate, set_up_engine

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("OKR_INSTANCE_PATH", str(ROOT / "instance")),
        instance_relative_config=True,
    )
    configure(app, config)
    db.init_app(app)
    from okr import unit_of_work

    unit_of_work.init_app(app)  # first, so that its after_request hook runs last
    set_up_engine(app)  # SQLite's write lock at BEGIN; no closed connection handed out
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        timezone_selector=i18n.select_timezone,
        default_translation_directories=str(ROOT / "okr" / "translations"),
    )
    login_manager.init_app(app)
    wiring.init_app(app)
    http.init_app(app)
    templating.init_app(app)
    app.extensions["okr.factory"] = create_app  # a worker process builds its own app with it
    if proxies := int(app.config["TRUSTED_PROXIES"]):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    gc.freeze()  # what is built so far lives as long as the process: see docs/performance.md
    return app
