"""petitions: the places of a signature in the index of signatures to count (the recount reads
its groups by place from the index alone)

Revision ID: f02266331e1f
Revises: c3a7f1d90b52
Create Date: 2026-12-06 10:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "f02266331e1f"
down_revision = "c3a7f1d90b52"
branch_labels = None
depends_on = None

COUNTED = ["petition_id", "state", "counted"]
PLACES = ["zip_code", "us_state", "county"]


def upgrade():
    with op.batch_alter_table("petition_signature", schema=None) as batch_op:
        batch_op.drop_index("ix_petition_signature_to_count")
        batch_op.create_index("ix_petition_signature_to_count", COUNTED + PLACES, unique=False)


def downgrade():
    with op.batch_alter_table("petition_signature", schema=None) as batch_op:
        batch_op.drop_index("ix_petition_signature_to_count")
        batch_op.create_index("ix_petition_signature_to_count", COUNTED, unique=False)
