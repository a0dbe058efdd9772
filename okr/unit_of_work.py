"""One commit per request, in one place: the only module that commits the database session.

A request's path is view -> service -> domain; services write and flush, never commit. When the
view has answered, `init_app`'s hook ends the request's unit of work:

- a write request (any method but GET, HEAD, OPTIONS) that answered below 400 (a page, a
  fragment, a redirect) is committed; one that answered 400 or above (a refused form's 422, a
  403, a 404, a 500) is rolled back, so a refused form persists nothing;
- a GET, HEAD or OPTIONS request is never committed: it is rolled back, and one that left writes
  in the session (flushed or not) raises under DEBUG or TESTING and is logged as an error
  otherwise;
- an exception that escapes the view rolls back (the 500 page says nothing was saved).

Commands and jobs (CLI, the job runner) commit through `with unit_of_work(): ...`; a long job
may commit its chunks with `checkpoint()`.

The named exceptions, each for writes that must outlive the request's answer:

- `commit_even_on_error()`: this request's writes are committed even though it answers with an
  error (a failed sign-in attempt counts towards throttling while the form answers 422);
- `separate_transaction()`: bookkeeping written at once on its own connection, outside the
  request's unit of work, on any method (a session's last use);

A job submitted with `okr.jobs.services.submit` reaches the queue only once the request's commit
succeeded (a session `after_commit` event), so no worker looks for a row it cannot see yet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import Connection, event
from sqlalchemy.orm import ORMExecuteState, Session

from okr.db import SAFE_METHODS
from okr.extensions import db

log = logging.getLogger(__name__)


class WriteOnSafeRequest(RuntimeError):
    """A GET, HEAD or OPTIONS request left writes in the database session (never committed)."""


def commit_even_on_error() -> None:
    """Commit this request's writes even though it answers with an error status.

    For writes that are the point of the refusal, such as a failed sign-in attempt recorded
    for throttling. The request's other writes are committed with them: call it only on a path
    whose writes are all meant to stay.
    """
    g.uow_commit_on_error = True


def reload_as_stored() -> None:
    """Flush this request's writes and have the session read every row again, as after a commit.

    For a view that draws its answer after writing (a fragment, a re-rendered panel): it shows
    what the request's commit will keep, including rows written by statements. Commits nothing.
    """
    db.session.flush()
    db.session.expire_all()


@contextmanager
def separate_transaction() -> Iterator[Connection]:
    """A short transaction on its own connection, committed when the block ends.

    For bookkeeping that is not part of the request's work and must stay whatever the request
    answers, even on a GET: it bypasses the request's unit of work, so keep it to one small
    statement that needs no rows the request has not committed.
    """
    with db.engine.begin() as connection:
        yield connection


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block writes through the session, or roll it back if the block raises.

    For commands and jobs. A request must not use it: its hook commits once, at its end.
    """
    if has_request_context() and g.get("uow_request"):
        raise RuntimeError("a request commits once, when it ends; write and flush instead")
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def checkpoint() -> None:
    """Commit a job's work so far inside its `unit_of_work()` (a retry resumes after it).

    For long jobs that commit in chunks (so their progress shows and a lost worker loses one
    chunk, not all); a request must not use it.
    """
    if has_request_context() and g.get("uow_request"):
        raise RuntimeError("a request commits once, when it ends; write and flush instead")
    db.session.commit()


def _wrote(session: Session) -> bool:
    """Whether the session holds writes: flushed in this request, or waiting to be."""
    if g.get("uow_wrote") or session.new or session.deleted:
        return True
    return any(session.is_modified(instance) for instance in session.dirty)


def _mark_flush(_session: Session, _context: Any) -> None:
    if has_request_context():
        g.uow_wrote = True


def _mark_statement(state: ORMExecuteState) -> None:
    if has_request_context() and (state.is_insert or state.is_update or state.is_delete):
        g.uow_wrote = True


def _end(response: Response) -> Response:
    """Commit a successful write request; roll back anything else (see the module's text)."""
    session = db.session
    if request.method in SAFE_METHODS:
        wrote = _wrote(session())
        session.rollback()
        if wrote:
            message = f"{request.method} {request.path} wrote to the database; nothing was kept"
            if current_app.debug or current_app.testing:
                raise WriteOnSafeRequest(message)
            log.error(message)
        return response
    if response.status_code >= 400 and not g.get("uow_commit_on_error"):
        session.rollback()
        return response
    session.commit()
    return response


def _teardown(error: BaseException | None) -> None:
    if error is not None:
        db.session.rollback()


def init_app(app: Flask) -> None:
    """Install the request's unit of work (register it before other `after_request` hooks,
    so that it runs last, on the response as sent)."""

    @app.before_request
    def begin() -> None:
        g.uow_request = True

    app.after_request(_end)
    app.teardown_request(_teardown)
    for name, listener in (("after_flush", _mark_flush), ("do_orm_execute", _mark_statement)):
        if not event.contains(db.session, name, listener):  # one listener for every app
            event.listen(db.session, name, listener)
