"""letter change log: corrections, new versions and renamed signatories, shown on the public page

Revision ID: b81d4c2e6f10
Revises: a7c3e1f2b9d4
Create Date: 2027-01-20 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b81d4c2e6f10"
down_revision = "a7c3e1f2b9d4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letter_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "correction", "new_version", "display_name", name="changekind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["letter_id"], ["letter.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["changed_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("letter_change") as batch_op:
        batch_op.create_index("ix_letter_change_letter_id", ["letter_id"])


def downgrade():
    op.drop_table("letter_change")
