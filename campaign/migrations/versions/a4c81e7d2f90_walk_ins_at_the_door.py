"""walk-ins: the host adds at the door someone who did not RSVP; their ZIP code is kept with them

Revision ID: a4c81e7d2f90
Revises: d7a3f19c0b42
Create Date: 2027-01-25 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a4c81e7d2f90"
down_revision = "d7a3f19c0b42"
branch_labels = None
depends_on = None


def upgrade():
    # The state column is a VARCHAR(10) without a CHECK constraint: "walk_in" needs no change.
    with op.batch_alter_table("action_rsvp") as batch_op:
        batch_op.add_column(sa.Column("zip_code", sa.String(length=5), nullable=True))


def downgrade():
    # Walk-ins would be read back as a state the code before them does not know.
    op.execute("DELETE FROM action_rsvp WHERE state = 'walk_in'")
    with op.batch_alter_table("action_rsvp") as batch_op:
        batch_op.drop_column("zip_code")
