"""petitions: trusted source, when a petition last changed, and who recorded a signature through the API

Revision ID: 714bd1a51dab
Revises: e7b2c9d4a1f6
Create Date: 2026-12-09 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "714bd1a51dab"
down_revision = "e7b2c9d4a1f6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trusted_source", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    # The last change we know of: closing, opening, or writing it.
    op.execute("UPDATE petition SET updated_at = COALESCE(closed_at, opened_at, created_at)")
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table("petition_signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_tag_ids", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("api_key_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_petition_signature_api_key_id", "api_key", ["api_key_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("petition_signature", schema=None) as batch_op:
        batch_op.drop_constraint("fk_petition_signature_api_key_id", type_="foreignkey")
        batch_op.drop_column("api_key_id")
        batch_op.drop_column("pending_tag_ids")

    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("trusted_source")
