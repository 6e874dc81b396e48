"""policies: an entry keeps the one-time key of the form that recorded it

Revision ID: 3b8e51c0a7d2
Revises: 4b7e2c9d1a05
Create Date: 2026-12-05 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3b8e51c0a7d2"
down_revision = "4b7e2c9d1a05"
branch_labels = None
depends_on = None


def upgrade():
    # Entries imported or loaded as demo data have none: NULLs never collide in a unique constraint.
    with op.batch_alter_table("policy_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_key", sa.String(length=22), nullable=True))
        batch_op.create_unique_constraint("uq_policy_entry_form_key", ["coalition_id", "form_key"])


def downgrade():
    with op.batch_alter_table("policy_entry", schema=None) as batch_op:
        batch_op.drop_constraint("uq_policy_entry_form_key", type_="unique")
        batch_op.drop_column("form_key")
