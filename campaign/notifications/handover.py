"""Hand-over marks: recorded just before the final "." of each message's SMTP DATA.

A mark says "the server is about to have this message"; sending.py explains why that makes a
killed worker safe. Here is how a mark is written cheaply and at the right moment.
"""

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import psycopg
from psycopg import pq
from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql

from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.notifications.models import Delivery

_HAND_OVER = (  # Core, built once: it runs once per message
    update(Delivery.__table__)
    .where(Delivery.__table__.c.id == bindparam("delivery_id"))
    .where(Delivery.__table__.c.claim_token == bindparam("token"))
    .values(handed_over_at=bindparam("now"))
)


@contextmanager
def hand_over_marks() -> Iterator[Callable[[str, int], Callable[[], int]]]:
    """`mark(token, delivery_id)` records that the server is about to have the message.

    It sends the mark and returns a function that waits for its answer: the rows marked, 0 if
    the row is no longer this batch's. On PostgreSQL the marks go over a connection held for the
    whole batch, in autocommit, through libpq directly: one statement written to the socket,
    answered after the "." is on its way. SQLite (the embedded default) allows one writer at a
    time and the session may hold the write lock (stored mail), so there the marks go through
    the session, and are answered before the "." (stored mail has no window to close).
    """
    if db.engine.dialect.name != "postgresql":
        yield _mark_in_session
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # The trade-off: with synchronous_commit off, COMMIT returns before the WAL reaches the
        # disk (it does within 3 x wal_writer_delay, 0.6 s by default), halving the time a mark
        # takes. Other sessions see the mark at once, so a worker killed at any moment still
        # never causes a second copy. Only a crash of PostgreSQL itself (or its machine) can
        # lose the last fraction of a second of marks: those messages would then be sent
        # again. Everything else the sender writes (claims, final states) commits as usual.
        connection.exec_driver_sql("SET synchronous_commit = off")
        driver = connection.connection.driver_connection
        try:
            with _tcp_socket_of(driver.pgconn) as tcp:
                yield _LibpqMarks(driver.pgconn, tcp).mark
        finally:
            if driver.broken or driver.pgconn.transaction_status != pq.TransactionStatus.IDLE:
                connection.invalidate()  # dropped, or an answer left unread: never back in the pool
            else:  # back to the pool as it came
                connection.exec_driver_sql("RESET synchronous_commit")


class _LibpqMarks:
    """Hand-over marks sent with libpq's asynchronous calls, so the "." need not wait for them.

    The mark is written to a corked socket (TCP_CORK): it sits in our kernel's send buffer and
    does not yet wake PostgreSQL, whose waking up would likely take the CPU from this process
    between the mark and the "." (measured: about one lost message every third killed run).
    Uncorking after the "." sends it; a process killed in between still has it sent, since the
    kernel flushes a closed socket's buffer.
    """

    def __init__(self, pgconn, tcp: socket.socket | None):
        compiled = _HAND_OVER.compile(dialect=postgresql.dialect(paramstyle="numeric_dollar"))
        self.pgconn, self.statement, self.order = pgconn, str(compiled).encode(), compiled.positiontup
        self.tcp = tcp  # None on a Unix socket, where there is no cork (and no network to wait on)

    def mark(self, token: str, delivery_id: int) -> Callable[[], int]:
        values = _hand_over_values(token, delivery_id)
        self._cork(1)
        self.pgconn.send_query_params(self.statement, [_as_text(values[name]) for name in self.order])
        while self.pgconn.flush():  # a non-blocking connection: write until the statement is out
            pass
        return self._answer

    def _answer(self) -> int:
        self._cork(0)
        last = None
        while (result := self.pgconn.get_result()) is not None:
            last = result
        if last is None or last.status != pq.ExecStatus.COMMAND_OK:
            message = last.error_message.decode(errors="replace") if last is not None else "no answer"
            raise psycopg.OperationalError(f"hand-over mark failed: {message}")
        return int(last.command_tuples or 0)

    def _cork(self, on: int) -> None:
        if self.tcp is not None:
            self.tcp.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, on)


@contextmanager
def _tcp_socket_of(pgconn) -> Iterator[socket.socket | None]:
    """The connection's socket, through a duplicate descriptor closed after the batch."""
    tcp = socket.socket(fileno=os.dup(pgconn.socket))
    try:
        yield tcp if tcp.family in (socket.AF_INET, socket.AF_INET6) else None
    finally:
        tcp.close()  # only the duplicate: the connection's own descriptor stays open


def _as_text(value) -> bytes:
    return (value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)).encode()


def _mark_in_session(token: str, delivery_id: int) -> Callable[[], int]:
    marked = db.session.execute(_HAND_OVER, _hand_over_values(token, delivery_id)).rowcount
    db.session.commit()
    return lambda: marked


def _hand_over_values(token: str, delivery_id: int) -> dict:
    return {"delivery_id": delivery_id, "token": token, "now": utcnow()}
