"""tags: a coalition's tags and the supporters carrying them

Revision ID: b8e4d2a6c1f3
Revises: a17c5e10b0a7
Create Date: 2026-12-07 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b8e4d2a6c1f3"
down_revision = "a17c5e10b0a7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("folded_name", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["coalition_id"], ["coalition.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("coalition_id", "folded_name", name="uq_tag_coalition_folded_name"),
    )
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tag_coalition_id"), ["coalition_id"], unique=False)
    op.create_table(
        "tagging",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("supporter_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["supporter_id"], ["supporter.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tag_id", "supporter_id", name="uq_tagging_tag_supporter"),
    )
    with op.batch_alter_table("tagging", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tagging_supporter_id"), ["supporter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tagging_tag_id"), ["tag_id"], unique=False)


def downgrade():
    with op.batch_alter_table("tagging", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tagging_tag_id"))
        batch_op.drop_index(batch_op.f("ix_tagging_supporter_id"))
    op.drop_table("tagging")
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tag_coalition_id"))
    op.drop_table("tag")
