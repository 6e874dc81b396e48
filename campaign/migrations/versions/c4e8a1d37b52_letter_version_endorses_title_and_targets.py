"""letter version: a signature endorses the title and the addressees too, kept with the text

Revision ID: c4e8a1d37b52
Revises: c4e2a9d71b35
Create Date: 2027-01-21 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c4e8a1d37b52"
down_revision = "c4e2a9d71b35"
branch_labels = None
depends_on = None

letter = sa.table("letter", sa.column("id", sa.Integer), sa.column("title"), sa.column("title_es"))
target = sa.table(
    "letter_target",
    sa.column("letter_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("name"),
    sa.column("title"),
    sa.column("office"),
)
version = sa.table(
    "letter_version",
    sa.column("id", sa.Integer),
    sa.column("letter_id", sa.Integer),
    sa.column("title"),
    sa.column("title_es"),
    sa.column("targets", sa.JSON),
)


def upgrade():
    with op.batch_alter_table("letter_version") as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("title_es", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("targets", sa.JSON(), nullable=False, server_default="[]"))
    # Earlier versions kept only their text: the letter's title and addressees as they stand now
    # are the best record there is of what those signatures endorsed.
    bind = op.get_bind()
    addressees = {}
    for row in bind.execute(sa.select(target).order_by(target.c.letter_id, target.c.position)):
        addressees.setdefault(row.letter_id, []).append(
            {"name": row.name, "title": row.title or "", "office": row.office or ""}
        )
    for row in bind.execute(sa.select(letter)):
        bind.execute(
            version.update()
            .where(version.c.letter_id == row.id)
            .values(title=row.title, title_es=row.title_es or "", targets=addressees.get(row.id, []))
        )


def downgrade():
    with op.batch_alter_table("letter_version") as batch_op:
        batch_op.drop_column("targets")
        batch_op.drop_column("title_es")
        batch_op.drop_column("title")
