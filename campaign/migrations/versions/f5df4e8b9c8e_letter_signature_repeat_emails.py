"""letter signatures: how many "signed again" emails a repeat sign-on sent its address's owner

Revision ID: f5df4e8b9c8e
Revises: 532a30a83350
Create Date: 2026-12-04 21:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5df4e8b9c8e'
down_revision = '532a30a83350'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letter_signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeat_emails', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('letter_signature', schema=None) as batch_op:
        batch_op.drop_column('repeat_emails')
