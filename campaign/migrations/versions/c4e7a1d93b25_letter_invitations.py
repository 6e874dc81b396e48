"""letter invitations: who was asked to sign a letter, by whom, and when reminded

Revision ID: c4e7a1d93b25
Revises: b81d4c2e6f10
Create Date: 2027-01-21 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c4e7a1d93b25"
down_revision = "b81d4c2e6f10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letter_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("organization_name", sa.String(length=200), nullable=False),
        sa.Column("supporter_id", sa.Integer(), nullable=True),
        sa.Column("contact_email", sa.LargeBinary(), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.LargeBinary(length=16), nullable=True),
        sa.ForeignKeyConstraint(["letter_id"], ["letter.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["supporter_id"], ["supporter.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["asked_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("letter_id", "supporter_id"),
    )
    with op.batch_alter_table("letter_invitation") as batch_op:
        batch_op.create_index("ix_letter_invitation_letter_id", ["letter_id"])
        batch_op.create_index("ix_letter_invitation_organization_id", ["organization_id"])
        batch_op.create_index("ix_letter_invitation_supporter_id", ["supporter_id"])


def downgrade():
    op.drop_table("letter_invitation")
