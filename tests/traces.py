"""Looking for what a person left in the database, as an erasure test must."""

import json

from sqlalchemy import Enum, String, select, type_coerce

from campaign.core.crypto import decryptor, sealed_models


def opened_rows(db):
    """(table, row as a dict) for every row of every table. Encrypted columns are opened with
    their row's key (one that no longer decrypts fails the test); an enum column gives the text
    stored, so a value outside its enum is read rather than raised."""
    sealed = {model.__tablename__: model.sealed_columns for model in sealed_models()}
    decrypt = decryptor()
    for table in db.metadata.sorted_tables:
        columns = [type_coerce(c, String) if isinstance(c.type, Enum) else c for c in table.c]
        for row in db.session.execute(select(*columns)).mappings():
            values = dict(row)
            for column in sealed.get(table.name, ()):
                values[column] = decrypt(table.name, column, row["row_key"], values[column])
            yield table, values


def every_value(db):
    """(table.column, text) for every value of every row of every table, encrypted ones opened."""
    for table, row in opened_rows(db):
        for column, value in row.items():
            if value is None:
                continue
            if isinstance(value, bytes | memoryview):
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
