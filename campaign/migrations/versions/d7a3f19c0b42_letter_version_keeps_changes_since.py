"""letter version: the difference from each earlier version, stored when the version is saved

Revision ID: d7a3f19c0b42
Revises: d7a3f1c86e42
Create Date: 2027-01-22 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d7a3f19c0b42"
down_revision = "d7a3f1c86e42"
branch_labels = None
depends_on = None


def upgrade():
    # Empty for versions saved before: the confirm page then diffs them when it is read.
    with op.batch_alter_table("letter_version") as batch_op:
        batch_op.add_column(sa.Column("changes_since", sa.JSON(), nullable=False, server_default="{}"))


def downgrade():
    with op.batch_alter_table("letter_version") as batch_op:
        batch_op.drop_column("changes_since")
