"""blind indexes keyed per coalition; data requests keep no blind index

Revision ID: 5d500519335b
Revises: fc8c91bc3eec
Create Date: 2026-12-04 20:40:00.000000

Every email blind index is recomputed from the decrypted address under its coalition's key, so
one person's rows in two coalitions no longer share a value. Runs inside the app (flask db
upgrade), which holds DATA_KEYS and BLIND_INDEX_KEY.
"""

from alembic import op
import sqlalchemy as sa

from campaign.core.crypto import canonical_email, decryptor, email_blind_index, keyed_hash
from campaign.supporters.rekey import keep_addresses_of_awaiting_erasures, rekey_email_indexes


# revision identifiers, used by Alembic.
revision = '5d500519335b'
down_revision = 'fc8c91bc3eec'
branch_labels = None
depends_on = None

# The rows that copy a supporter's index, and the per-coalition lists of indexes, at this revision.
FOLLOWERS = ("petition_signature", "action_rsvp")
COALITION_LISTS = ("suppression",)


def per_coalition_index(address, coalition_id):
    return email_blind_index(address, coalition_id=coalition_id)


def global_index(address, coalition_id):
    """The formula before this revision: one key for every coalition."""
    return keyed_hash(canonical_email(address))


def upgrade():
    connection = op.get_bind()
    keep_addresses_of_awaiting_erasures(connection)
    rekey_email_indexes(connection, per_coalition_index, followers=FOLLOWERS, coalition_lists=COALITION_LISTS)
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.drop_column("email_index")


def downgrade():
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_index", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    rekey_email_indexes(connection, global_index, followers=FOLLOWERS, coalition_lists=COALITION_LISTS)
    data_request = sa.table(
        "data_request", sa.column("id"), sa.column("email", sa.LargeBinary), sa.column("email_index")
    )
    decrypt = decryptor()
    for request_id, email in connection.execute(
        sa.select(data_request.c.id, data_request.c.email).where(data_request.c.email.is_not(None))
    ).all():
        connection.execute(
            sa.update(data_request)
            .where(data_request.c.id == request_id)
            .values(email_index=global_index(decrypt("data_request", "email", None, email), None))
        )
