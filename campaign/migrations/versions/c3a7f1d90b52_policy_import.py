"""policies: CSV imports of policy entries

Revision ID: c3a7f1d90b52
Revises: 3b8e51c0a7d2
Create Date: 2026-12-05 09:58:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3a7f1d90b52"
down_revision = "3b8e51c0a7d2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "policy_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=120), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("encoding", sa.String(length=20), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("picks", sa.JSON(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["coalition_id"], ["coalition.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("policy_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_import_coalition_id"), ["coalition_id"], unique=False)


def downgrade():
    with op.batch_alter_table("policy_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_import_coalition_id"))
    op.drop_table("policy_import")
