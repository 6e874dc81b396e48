"""Petitions: confirmation emails sent in batches

Revision ID: d001359871a2
Revises: 7e3d1dcc7da7
Create Date: 2026-11-24 18:51:14.242999

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd001359871a2'
down_revision = '7e3d1dcc7da7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('petition_signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('asked_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_petition_signature_to_ask', ['id'], unique=False, postgresql_where=sa.text('asked_at IS NULL'), sqlite_where=sa.text('asked_at IS NULL'))
    # Signatures made before this revision were asked through one outbox task each.
    op.execute("UPDATE petition_signature SET asked_at = created_at")



def downgrade():
    with op.batch_alter_table('petition_signature', schema=None) as batch_op:
        batch_op.drop_index('ix_petition_signature_to_ask', postgresql_where=sa.text('asked_at IS NULL'), sqlite_where=sa.text('asked_at IS NULL'))
        batch_op.drop_column('asked_at')

