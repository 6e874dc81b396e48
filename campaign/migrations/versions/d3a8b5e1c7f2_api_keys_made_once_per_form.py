"""api: the one-time key of the form that made an API key (a double click makes one key)

Revision ID: d3a8b5e1c7f2
Revises: c9e2f4a1d7b3
Create Date: 2026-12-08 10:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d3a8b5e1c7f2"
down_revision = "c9e2f4a1d7b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_key", sa.String(length=22), nullable=True))
        batch_op.create_unique_constraint("uq_api_key_form_key", ["coalition_id", "form_key"])


def downgrade():
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_constraint("uq_api_key_form_key", type_="unique")
        batch_op.drop_column("form_key")
