"""letter signatures: only an approved sign-on holds its organization's signer_key (a waiting
one held it, so an imposter's confirmed sign-on kept the real organization's out of the queue);
organizers_told_at spaces the emails about a second sign-on for an organization

Revision ID: d7a3f1c86e42
Revises: d1f3b7a90c42
Create Date: 2027-01-24 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d7a3f1c86e42"
down_revision = "d1f3b7a90c42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("letter_signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organizers_told_at", sa.DateTime(), nullable=True))
    # Waiting sign-ons release their key: approving one takes it back, unless another approved
    # sign-on of the organization holds it (the organizer is then told to reject or merge).
    op.execute("UPDATE letter_signature SET signer_key = NULL WHERE state = 'pending'")


def downgrade():
    # Waiting sign-ons stay without a key: two of one organization could not both take it back.
    with op.batch_alter_table("letter_signature", schema=None) as batch_op:
        batch_op.drop_column("organizers_told_at")
