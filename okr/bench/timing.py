"""Server-side time and SQL statement count of each request, sent back as a Server-Timing header.

`app;dur=12.34` is the time from the WSGI call to the finished response, including teardown
(the body of a non-streamed response is complete by then); `sql;desc="17"` counts the statements
the request sent to the database. Only installed when OKR_SERVER_TIMING is on (the benchmark).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_statements: ContextVar[list[int] | None] = ContextVar("okr_bench_statements", default=None)


def _count(*_args: Any) -> None:
    counter = _statements.get()
    if counter is not None:
        counter[0] += 1


class ServerTiming:
    """WSGI middleware adding `Server-Timing: app;dur=<ms>, sql;desc="<statements>"`."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app
        if not event.contains(Engine, "before_cursor_execute", _count):
            event.listen(Engine, "before_cursor_execute", _count)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        counter = [0]
        token = _statements.set(counter)
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers, exc_info]
            return lambda data: send()(data)

        def send() -> Any:  # only if the app writes before returning (Flask never does)
            status, headers, exc_info = captured
            return start_response(status, headers, exc_info)

        started = time.perf_counter()
        try:
            body = self.wsgi_app(environ, capture)
        finally:
            _statements.reset(token)
        elapsed = (time.perf_counter() - started) * 1000
        status, headers, exc_info = captured
        timing = f'app;dur={elapsed:.2f}, sql;desc="{counter[0]}"'
        start_response(status, [*headers, ("Server-Timing", timing)], exc_info)
        return body
