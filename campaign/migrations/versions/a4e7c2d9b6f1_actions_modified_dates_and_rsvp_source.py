"""actions: when events and RSVPs last changed, and the source an RSVP made through the API came from

Revision ID: a4e7c2d9b6f1
Revises: d3a8b5e1c7f2
Create Date: 2026-12-05 07:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a4e7c2d9b6f1"
down_revision = "d3a8b5e1c7f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("action_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("action_rsvp", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    # Rows from before have changed, as far as anyone knows, when they were made.
    op.execute("UPDATE action_event SET updated_at = created_at")
    op.execute(
        "UPDATE action_rsvp SET updated_at = COALESCE(cancelled_at, checked_in_at, promoted_at, created_at)"
    )
    for table in ("action_event", "action_rsvp"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("updated_at", existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table("action_rsvp", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("source")
    with op.batch_alter_table("action_event", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
