"""supporters: when the address's owner first confirmed (a record only typed in is not on file)

Revision ID: c9e2f4a1d7b3
Revises: b7c41e2a9d05
Create Date: 2026-12-08 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c9e2f4a1d7b3"
down_revision = "b7c41e2a9d05"
branch_labels = None
depends_on = None

# Records that already show their owner's hand: a consent, a confirmed signature, a subscription.
# Their creation is the best date there is for it.
BACKFILL = """
UPDATE supporter SET confirmed_at = created_at
WHERE subscription = 'subscribed'
   OR EXISTS (SELECT 1 FROM consent WHERE consent.supporter_id = supporter.id)
   OR EXISTS (SELECT 1 FROM petition_signature AS signed
              WHERE signed.supporter_id = supporter.id AND signed.confirmed_at IS NOT NULL)
   OR EXISTS (SELECT 1 FROM letter_signature AS signed
              WHERE signed.supporter_id = supporter.id AND signed.confirmed_at IS NOT NULL)
"""


def upgrade():
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
    op.execute(BACKFILL)


def downgrade():
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.drop_column("confirmed_at")
