"""coalition contact email: where replies to the coalition's email go

Revision ID: c4e8a2d17f35
Revises: c4e8a1d37b52
Create Date: 2027-01-21 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c4e8a2d17f35"
down_revision = "c4e8a1d37b52"
branch_labels = None
depends_on = None


def upgrade():
    # Empty for every coalition: replies go to its first owner's email until an owner sets one.
    with op.batch_alter_table("coalition") as batch_op:
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table("coalition") as batch_op:
        batch_op.drop_column("contact_email")
