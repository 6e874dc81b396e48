"""membership contact erased: when a member's contact had their data erased

Revision ID: d1f3b7a90c42
Revises: c4e8a2d17f35
Create Date: 2027-01-22 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d1f3b7a90c42"
down_revision = "c4e8a2d17f35"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("membership") as batch_op:
        batch_op.add_column(sa.Column("contact_erased_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("membership") as batch_op:
        batch_op.drop_column("contact_erased_at")
