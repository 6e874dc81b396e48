"""petitions: a paper batch keeps the one-time key of the form that added it

Revision ID: 9f2d3d626aee
Revises: 591c81dac459
Create Date: 2026-12-06 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9f2d3d626aee"
down_revision = "591c81dac459"
branch_labels = None
depends_on = None


def upgrade():
    # Batches entered before have none: NULLs never collide in a unique constraint.
    with op.batch_alter_table("petition_paper_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_key", sa.String(length=22), nullable=True))
        batch_op.create_unique_constraint("uq_petition_paper_batch_form_key", ["petition_id", "form_key"])


def downgrade():
    with op.batch_alter_table("petition_paper_batch", schema=None) as batch_op:
        batch_op.drop_constraint("uq_petition_paper_batch_form_key", type_="unique")
        batch_op.drop_column("form_key")
