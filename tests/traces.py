"""Looking for what a person left in the database, as an erasure test must."""

import json

from sqlalchemy import select

from campaign.core.crypto import decryptor, sealed_models


def every_value(db):
    """(table.column, text) for every value of every row of every table. Encrypted columns are
    opened with their row's key, so they come back decrypted (one that no longer decrypts fails
    the test)."""
    sealed = {model.__tablename__: model.sealed_columns for model in sealed_models()}
    decrypt = decryptor()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if value is None:
                    continue
                if column in sealed.get(table.name, ()):
                    value = decrypt(table.name, column, row["row_key"], value)
                elif isinstance(value, bytes | memoryview):
                    value = bytes(value).decode("latin-1")
                elif isinstance(value, dict | list):
                    value = json.dumps(value, ensure_ascii=False)
                yield f"{table.name}.{column}", str(value)


def traces(db, secrets: dict) -> list[tuple[str, str]]:
    """(secret's name, table.column) for each secret value still found, ignoring case."""
    return sorted(
        (name, where)
        for where, value in every_value(db)
        for name, secret in secrets.items()
        if secret.casefold() in value.casefold()
    )
