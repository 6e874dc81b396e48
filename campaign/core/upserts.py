"""INSERT ... ON CONFLICT, which SQLite and PostgreSQL both speak, each through its own dialect."""

from collections.abc import Callable, Hashable

from sqlalchemy import CursorResult, Executable
from sqlalchemy.dialects import postgresql, sqlite

from campaign.extensions import db

_built: dict[tuple[str, Hashable], Executable] = {}


def _dialect(name: str):
    return postgresql if name == "postgresql" else sqlite


def insert(table):
    """An INSERT with `.on_conflict_do_nothing()` / `.on_conflict_do_update()` for this database."""
    return _dialect(db.session.get_bind().dialect.name).insert(table)


def run_prepared(build: Callable, key: Hashable, params: dict) -> CursorResult:
    """Execute `build(insert)` with `params` in the session's transaction, for the hot paths.

    The statement is built once per database kind and `key`: building an INSERT of a dozen
    values costs more Python than sending it, and a signature is one request in a surge.
    `build` gets this database's `insert` and leaves the values to `params`.
    """
    connection = db.session.connection()
    name = connection.dialect.name
    statement = _built.get((name, key))
    if statement is None:
        statement = _built[(name, key)] = build(_dialect(name).insert)
    return connection.execute(statement, params)
