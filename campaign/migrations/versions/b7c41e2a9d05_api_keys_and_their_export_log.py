"""api: coalitions' API keys (hashed), and the export log naming the key that read personal data

Revision ID: b7c41e2a9d05
Revises: b8e4d2a6c1f3
Create Date: 2026-12-07 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b7c41e2a9d05"
down_revision = "b8e4d2a6c1f3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("scope", sa.Enum("read:counts", "read:people", "write", name="scope", native_enum=False, length=12), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["coalition_id"], ["coalition.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_coalition_id"), ["coalition_id"], unique=False)

    # Rows logged before were all an organizer's downloads: no key.
    with op.batch_alter_table("export_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("api_key_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_export_log_api_key_id"), ["api_key_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_export_log_api_key_id", "api_key", ["api_key_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("export_log", schema=None) as batch_op:
        batch_op.drop_constraint("fk_export_log_api_key_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_export_log_api_key_id"))
        batch_op.drop_column("api_key_id")

    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_coalition_id"))

    op.drop_table("api_key")
