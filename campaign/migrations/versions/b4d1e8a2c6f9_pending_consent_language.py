"""petitions: the language of consent words an API call sent with a signature

Revision ID: b4d1e8a2c6f9
Revises: e7b2c4d9a1f3
Create Date: 2026-12-12 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b4d1e8a2c6f9"
down_revision = "e7b2c4d9a1f3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("petition_signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_consent_language", sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table("petition_signature", schema=None) as batch_op:
        batch_op.drop_column("pending_consent_language")
