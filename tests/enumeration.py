"""Checking that a form answers alike whether or not an address is on file."""

from sqlalchemy import event

from campaign.core import outbox
from campaign.extensions import db


def assert_same_answer(monkeypatch, known, unknown):
    """Same status, body and redirect, and the same SQL statements on the request's path.

    The queued task, which looks the address up, is kept off that path here as it is with a
    broker (a worker runs it); fast tests otherwise run tasks in-process after the response.
    """
    monkeypatch.setattr(outbox, "publish", lambda entry_id, task_name: True)
    answers = [_answer(known), _answer(unknown)]
    assert answers[0] == answers[1]
    assert answers[0][3], "the request recorded nothing"


def _answer(post) -> tuple:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = post()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return response.status_code, response.get_data(as_text=True), response.location, statements
