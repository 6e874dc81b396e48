"""Recomputing every stored email blind index under a new formula (run by a migration)."""

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from campaign.core import crypto

# The columns read and written, named here rather than taken from the models: a migration
# must keep working after the models move on.
_supporter = sa.table(
    "supporter",
    sa.column("id", sa.Integer),
    sa.column("coalition_id", sa.Integer),
    sa.column("email", sa.LargeBinary),
    sa.column("email_index", sa.String),
)
_data_request = sa.table(
    "data_request",
    sa.column("id", sa.Integer),
    sa.column("email", sa.LargeBinary),
    sa.column("email_index", sa.String),
)
HASH_LENGTH = 64  # a hex SHA-256; "erased:12"-style markers are no hash and stay as they are


def rekey_email_indexes(
    connection: Connection,
    index_for: Callable[[str, int], str],
    *,
    followers: Iterable[str],
    coalition_lists: Iterable[str],
    batch_size: int = 1000,
) -> None:
    """Rewrite every supporter's `email_index` as `index_for(address, coalition_id)`, from the
    decrypted address, and carry the new value to the rows that copy it.

    `followers` are tables whose rows point to a supporter (`supporter_id`) and copy its index:
    they take their supporter's new index, or, with no supporter left to take it from, a marker
    that links nothing. `coalition_lists` are tables keyed by (coalition_id, email_index) with no
    supporter link (the suppression list): a row takes the new index of the coalition's
    supporter it matched, and a row that matches no one (its person was erased) is deleted,
    since its old value is all that is left of them and it could be linked across coalitions.
    """
    followers = [_index_table(name, "supporter_id") for name in followers]
    coalition_lists = [_index_table(name, "coalition_id") for name in coalition_lists]
    decrypt = crypto.decryptor()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(
                _supporter.c.id, _supporter.c.coalition_id, _supporter.c.email, _supporter.c.email_index
            )
            .where(_supporter.c.id > last_id)
            .order_by(_supporter.c.id)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        last_id = rows[-1].id
        changes = [
            {
                "row_id": row.id,
                "coalition": row.coalition_id,
                "old_index": row.email_index,
                # Run before rows had keys: every address is of a format bound to no row.
                "new_index": index_for(decrypt("supporter", "email", None, row.email), row.coalition_id)
                if row.email is not None
                else None,  # an index with no address left to recompute it from links nothing
            }
            for row in rows
            if row.email is not None or row.email_index is not None
        ]
        _execute_many(connection, _supporter, _supporter.c.id == sa.bindparam("row_id"), changes)
        matched = [change for change in changes if change["new_index"] and change["old_index"]]
        for table in coalition_lists:
            where = (table.c.coalition_id == sa.bindparam("coalition")) & (
                table.c.email_index == sa.bindparam("old_index")
            )
            _execute_many(connection, table, where, matched)
    for table in followers:
        # Once every supporter has its new index, one statement per table copies it: each row
        # is read once, not once per supporter and again for those with no index left.
        supporter_index = (
            sa.select(_supporter.c.email_index)
            .where(_supporter.c.id == table.c.supporter_id)
            .scalar_subquery()
        )
        unlinked = "unlinked:" + sa.cast(table.c.id, sa.String)
        connection.execute(
            sa.update(table)
            .where(_is_hash(table))
            .values(email_index=sa.func.coalesce(supporter_index, unlinked))
        )
    for table in coalition_lists:
        matching = sa.select(_supporter.c.id).where(
            _supporter.c.coalition_id == table.c.coalition_id,
            _supporter.c.email_index == table.c.email_index,
        )
        connection.execute(sa.delete(table).where(~matching.exists()))


def keep_addresses_of_awaiting_erasures(connection: Connection) -> None:
    """Erasure requests awaiting confirmation found their person by a blind index alone; once
    it is gone they need the address itself, copied from a record it found (run before rows had
    keys, when a value was bound to no row)."""
    waiting = connection.execute(
        sa.select(_data_request.c.id, _data_request.c.email_index).where(
            _data_request.c.email.is_(None), _data_request.c.email_index.is_not(None)
        )
    ).all()
    for request_id, email_index in waiting:
        address = connection.scalar(
            sa.select(_supporter.c.email)
            .where(_supporter.c.email_index == email_index, _supporter.c.email.is_not(None))
            .limit(1)
        )
        if address is not None:
            connection.execute(
                sa.update(_data_request).where(_data_request.c.id == request_id).values(email=address)
            )


def _index_table(name: str, key: str) -> sa.TableClause:
    return sa.table(
        name, sa.column("id", sa.Integer), sa.column(key, sa.Integer), sa.column("email_index", sa.String)
    )


def _is_hash(table: sa.TableClause):
    return sa.func.length(table.c.email_index) == HASH_LENGTH


def _execute_many(connection: Connection, table: sa.TableClause, where, changes: list[dict]) -> None:
    if changes:
        statement = sa.update(table).where(where).values(email_index=sa.bindparam("new_index"))
        connection.execute(statement, changes)
