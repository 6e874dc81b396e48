"""INSERT ... ON CONFLICT, which SQLite and PostgreSQL both speak, each through its own dialect."""

from sqlalchemy.dialects import postgresql, sqlite

from campaign.extensions import db


def insert(table):
    """An INSERT with `.on_conflict_do_nothing()` / `.on_conflict_do_update()` for this database."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
