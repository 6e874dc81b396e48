"""Supporters in bulk for the benchmarks: sealed as the app seals them, inserted in SQL."""

from sqlalchemy import text

from campaign.core.crypto import new_row_key, seal
from campaign.extensions import db

TEMPLATES = 2000  # encrypted people the rows are made from
FIRST_NAMES = ("Ana", "José", "María", "Luis", "Begoña", "Pat", "Iñaki", "Rosa")


def insert_supporters(coalition_id: int, rows: int, confirmed: bool = False) -> None:
    """`rows` supporters of the coalition, made in SQL from TEMPLATES encrypted people (each
    template's row key shared by the rows made from it), so that a million take seconds, not the
    run's length. Their blind indexes and preferences tokens are "bulk" and their number; half
    of them Spanish speakers, two in three subscribed; on file (`on_file`) if `confirmed`."""
    db.session.execute(
        text("CREATE TEMP TABLE bench_people (n int, row_key bytea, email bytea, first bytea, last bytea)")
    )
    row_keys = [new_row_key() for _ in range(TEMPLATES)]
    db.session.execute(
        text("INSERT INTO bench_people VALUES (:n, :row_key, :email, :first, :last)"),
        [
            {
                "n": n,
                "row_key": row_key,
                "email": seal("supporter", "email", row_key, f"person{n}@bench.example"),
                "first": seal("supporter", "first_name", row_key, FIRST_NAMES[n % len(FIRST_NAMES)]),
                "last": seal("supporter", "last_name", row_key, "Reyes Núñez"),
            }
            for n, row_key in enumerate(row_keys)
        ],
    )
    db.session.execute(
        text(
            """
            INSERT INTO supporter (coalition_id, row_key, email, email_index, first_name,
                                   last_name, zip_code, language, subscription, created_at,
                                   updated_at, confirmed_at, preferences_token)
            SELECT :coalition, p.row_key, p.email, 'bulk' || i, p.first, p.last, '19104',
                   CASE WHEN i % 2 = 0 THEN 'es' ELSE 'en' END,
                   CASE WHEN i % 3 = 0 THEN 'unsubscribed' ELSE 'subscribed' END,
                   now(), now(), CASE WHEN :confirmed THEN now() END, 'bulk' || i
            FROM generate_series(1, :rows) AS i JOIN bench_people p ON p.n = i % :templates
            """
        ),
        {"coalition": coalition_id, "rows": rows, "confirmed": confirmed, "templates": TEMPLATES},
    )
    db.session.execute(text("DROP TABLE bench_people"))
    db.session.commit()
