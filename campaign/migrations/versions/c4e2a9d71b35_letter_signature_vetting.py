"""letter signatures: merged into another, added by hand (how and by whom authorized); rejected
and withdrawn sign-ons give up their signer_key so they lock no organization out

Revision ID: c4e2a9d71b35
Revises: c4e7a1d93b25
Create Date: 2027-01-21 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c4e2a9d71b35"
down_revision = 'c4e7a1d93b25'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("letter_signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("added_by_hand", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(
            sa.Column(
                "authorization",
                sa.Enum("email", "phone", "meeting", "other", name="authorization", native_enum=False, length=10),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("authorized_by", sa.LargeBinary(), nullable=True))
        batch_op.create_foreign_key(
            "fk_letter_signature_merged_into_id",
            "letter_signature",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Sign-ons rejected before this change still held their organization's key: an imposter's
    # rejected sign-on would keep the real organization off the letter.
    op.execute(
        "UPDATE letter_signature SET signer_key = NULL WHERE state IN ('rejected', 'withdrawn')"
    )


def downgrade():
    with op.batch_alter_table("letter_signature", schema=None) as batch_op:
        batch_op.drop_constraint("fk_letter_signature_merged_into_id", type_="foreignkey")
        batch_op.drop_column("authorized_by")
        batch_op.drop_column("authorization")
        batch_op.drop_column("added_by_hand")
        batch_op.drop_column("merged_into_id")
