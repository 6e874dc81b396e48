"""RSVPs keep the name and phone typed with them, for the host's roster

An RSVP changes no supporter record on file, so the roster no longer shows the coalition's
record of an address (which a host could read by RSVPing with someone else's address).
Existing RSVPs keep NULL and the roster falls back to their supporter, as before.

Revision ID: 7f3a9c2d4e61
Revises: 1c460741ec9f
Create Date: 2026-12-04 21:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f3a9c2d4e61'
down_revision = '1c460741ec9f'
branch_labels = None
depends_on = None

COLUMNS = ('first_name', 'last_name', 'phone')


def upgrade():
    with op.batch_alter_table('action_rsvp', schema=None) as batch_op:
        batch_op.add_column(sa.Column('row_key', sa.LargeBinary(length=16), nullable=True))
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('action_rsvp', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
        batch_op.drop_column('row_key')
