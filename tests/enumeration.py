"""Checking that a form answers alike whether or not an address is on file."""

from sqlalchemy import event

from campaign.extensions import db


def assert_same_answer(known, unknown):
    """Same status, body and redirect, and the same SQL statements until the response is sent.

    `known` and `unknown` post the form and return the response unclosed: work deferred to after
    the response (the task that looks the address up) runs when it is closed, here at the end.
    """
    (known_answer, known_response), (unknown_answer, unknown_response) = _answer(known), _answer(unknown)
    assert known_answer == unknown_answer
    assert known_answer[3], "the request recorded nothing"
    known_response.close()
    unknown_response.close()


def _answer(post) -> tuple:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = post()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    answer = response.status_code, response.get_data(as_text=True), response.location, statements
    return answer, response
