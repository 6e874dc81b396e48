"""membership: a proposed domain, trusted only once an organizer confirms it

Revision ID: 532a30a83350
Revises: 5b9d2e7c41a3
Create Date: 2026-12-04 21:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '532a30a83350'
down_revision = '5b9d2e7c41a3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_domain', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('proposed_domain')
