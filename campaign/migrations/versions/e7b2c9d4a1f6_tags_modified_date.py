"""tags: when a tag was last renamed (the API's modified_date)

Revision ID: e7b2c9d4a1f6
Revises: a4e7c2d9b6f1
Create Date: 2026-12-09 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e7b2c9d4a1f6"
down_revision = "a4e7c2d9b6f1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    # A tag made before: last changed, as far as anyone knows, when it was made.
    op.execute("UPDATE tag SET updated_at = created_at")
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
