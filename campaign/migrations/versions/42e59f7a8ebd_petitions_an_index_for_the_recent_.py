"""Petitions: an index for the recent public signers

Revision ID: 42e59f7a8ebd
Revises: d001359871a2
Create Date: 2026-11-24 19:57:08.847873

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '42e59f7a8ebd'
down_revision = 'd001359871a2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('petition_signature', schema=None) as batch_op:
        batch_op.create_index('ix_petition_signature_public_recent', ['petition_id', 'confirmed_at'], unique=False, postgresql_where=sa.text("show_name IS true AND state = 'confirmed'"), sqlite_where=sa.text("show_name IS true AND state = 'confirmed'"))



def downgrade():
    with op.batch_alter_table('petition_signature', schema=None) as batch_op:
        batch_op.drop_index('ix_petition_signature_public_recent', postgresql_where=sa.text("show_name IS true AND state = 'confirmed'"), sqlite_where=sa.text("show_name IS true AND state = 'confirmed'"))

