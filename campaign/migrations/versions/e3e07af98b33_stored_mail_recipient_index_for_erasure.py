"""stored mail: a recipient index, so erasure deletes a person's stored emails

Revision ID: e3e07af98b33
Revises: dbdeee846a8f
Create Date: 2026-12-04 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3e07af98b33'
down_revision = 'dbdeee846a8f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stored_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_index', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_stored_mail_recipient_index'), ['recipient_index'], unique=False)


def downgrade():
    with op.batch_alter_table('stored_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_mail_recipient_index'))
        batch_op.drop_column('recipient_index')
