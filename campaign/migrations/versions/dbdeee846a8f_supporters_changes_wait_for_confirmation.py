"""Supporters: what a signer typed waits with the signature until the address is confirmed

Revision ID: dbdeee846a8f
Revises: e016074b97e1
Create Date: 2026-12-04 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dbdeee846a8f'
down_revision = 'e016074b97e1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('petition_signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_first_name', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('pending_last_name', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('pending_consent', sa.Text(), nullable=True))
    with op.batch_alter_table('letter_signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_consent', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('letter_signature', schema=None) as batch_op:
        batch_op.drop_column('pending_consent')
    with op.batch_alter_table('petition_signature', schema=None) as batch_op:
        batch_op.drop_column('pending_consent')
        batch_op.drop_column('pending_last_name')
        batch_op.drop_column('pending_first_name')
