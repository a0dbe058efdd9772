"""Benchmark support: a generated company at scale (`flask --app okr bench seed`) and, behind
OKR_SERVER_TIMING, a per-request Server-Timing header for the page benchmark (bench/pages.py).

Nothing here is imported on the request path unless OKR_SERVER_TIMING is on.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register `flask bench ...`; time requests when OKR_SERVER_TIMING is set."""
    from okr.bench.cli import bench

    app.cli.add_command(bench)
    if app.config.get("SERVER_TIMING"):
        from okr.bench.timing import ServerTiming

        app.wsgi_app = ServerTiming(app.wsgi_app)  # type: ignore[method-assign]
