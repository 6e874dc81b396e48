"""reset and data requests: the asking IP's keyed hash, for per-requester email caps

Revision ID: 5b9d2e7c41a3
Revises: 7f3a9c2d4e61
Create Date: 2026-12-04 21:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b9d2e7c41a3'
down_revision = '7f3a9c2d4e61'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account_email_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requester_ip_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('data_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requester_ip_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('data_request', schema=None) as batch_op:
        batch_op.drop_column('requester_ip_hash')
    with op.batch_alter_table('account_email_request', schema=None) as batch_op:
        batch_op.drop_column('requester_ip_hash')
