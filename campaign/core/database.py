"""Database outages: a pooled connection the server closed costs no request, and a lost one is retried."""

import select
import time
from functools import wraps

from flask import Flask, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError

from campaign.extensions import db

# SQLSTATE classes of a server that cannot take a connection just now: 08 connection exception,
# 53 insufficient resources (too many connections), 57P shutting down, starting up, crashed.
# A refused or unreachable server gives no SQLSTATE at all.
_UNAVAILABLE_STATES = ("08", "53", "57P")
# On the request, not `g`: an app context can outlive a request (tests, `flask shell`).
_COMMITTED = "campaign.database_committed"


def register(app: Flask) -> None:
    """Make a database restart cost no request once the database is back.

    1. Checkout: a pooled connection the server has closed (a restart, an idle timeout, an
       administrator) is replaced before a request can use it. The server says goodbye and hangs
       up, so the socket of an idle connection is readable only then: one poll() of it, no round
       trip (pool_pre_ping's ping is one per checkout, ~6% of a signature's CPU; see
       bench/dead_connections.py). The Celery worker and the CLI build the same app, so their
       pools are checked too.
    2. Retry: a view whose connection is lost anyway (between the checkout and its statements, or
       a network that dropped it silently) runs once more on a new connection, if it had not
       committed. The lost connection took its transaction with it, so nothing of the first run
       is stored; once a COMMIT has been sent it may have been stored, and running the view again
       could do its work twice. A view therefore runs again only if no COMMIT left this request.
       Side effects outside the database happen twice (a Redis abuse counter counts the attempt
       twice); follow-up work waits for the commit (outbox rows, tasks published and kicked
       after commit are dropped with the rollback), so it is not repeated.
    3. What still fails (the database is down, or the lost connection had committed) answers 503,
       "try again in a moment" (core/errors.py), never a 500: `unavailable()`.

    Call it once every view is registered: it wraps them.
    """
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "postgresql":  # SQLite has no server to lose
            event.listen(engine, "checkout", _replace_if_closed)
        event.listen(engine, "handle_error", _refused_is_unavailable)
        event.listen(engine, "commit", _note_commit)
    app.view_functions.update({name: _retrying(view) for name, view in app.view_functions.items()})


def unavailable(error: BaseException) -> bool:
    """Whether `error` means the database could not be reached: its connection was lost or refused."""
    return isinstance(error, DBAPIError) and error.connection_invalidated


def wait_until_back(seconds: float) -> bool:
    """Whether the database answers within `seconds`, asked twice a second: for a worker whose
    database went away, which has nothing else to do meanwhile."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
            return True
        except DBAPIError:
            db.session.rollback()
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.5)


def _replace_if_closed(dbapi_connection, connection_record, connection_proxy) -> None:
    # After a finished transaction the server sends nothing unasked. Anything to read (its
    # "terminating connection" notice, end of file) means it has closed this connection; the pool
    # opens a new one in its place on this DisconnectionError.
    poller = select.poll()  # not select(): a busy process may hold descriptors above 1024
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):
        raise DisconnectionError("the database server closed this pooled connection")


def _refused_is_unavailable(context) -> None:
    # SQLAlchemy marks a connection lost in use as a disconnect, not one refused while connecting
    # (the server down, starting up, full). Both are the same outage to a visitor.
    connecting = context.connection is None and isinstance(context.sqlalchemy_exception, OperationalError)
    sqlstate = getattr(context.original_exception, "sqlstate", None)
    if connecting and (sqlstate is None or sqlstate.startswith(_UNAVAILABLE_STATES)):
        context.is_disconnect = True


def _note_commit(connection) -> None:
    # Sent before the COMMIT itself: a connection lost during a commit may have committed.
    if has_request_context():
        request.environ[_COMMITTED] = True


def _retrying(view):
    @wraps(view)
    def run(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DBAPIError as error:
            if not unavailable(error) or request.environ.get(_COMMITTED):
                raise
        # A lost connection made SQLAlchemy drop every connection pooled before it: the second
        # run starts on a new one (or finds the database still down: a 503), and reads any file
        # sent with the form from its start.
        db.session.rollback()
        for upload in request.files.values():
            upload.stream.seek(0)
        return view(*args, **kwargs)

    return run
