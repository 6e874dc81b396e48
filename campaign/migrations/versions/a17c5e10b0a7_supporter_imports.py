"""supporter imports from CSV: the import, its problems; consent sources long enough for a file name

Revision ID: a17c5e10b0a7
Revises: 9f2d3d626aee
Create Date: 2026-12-05 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a17c5e10b0a7"
down_revision = "9f2d3d626aee"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "supporter_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("file_name", sa.String(length=120), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=True),
        sa.Column("encoding", sa.String(length=12), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("consent_wording", sa.Text(), nullable=True),
        sa.Column("consent_language", sa.String(length=5), nullable=False),
        sa.Column("consent_source", sa.String(length=255), nullable=True),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["coalition_id"], ["coalition.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("supporter_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supporter_import_coalition_id"), ["coalition_id"], unique=False)
    op.create_table(
        "import_problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(length=120), nullable=False),
        sa.Column("problem", sa.String(length=30), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["supporter_import.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("import_problem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_problem_import_id"), ["import_id"], unique=False)
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=sa.String(length=80), type_=sa.String(length=255))


def downgrade():
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=sa.String(length=255), type_=sa.String(length=80))
    with op.batch_alter_table("import_problem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_problem_import_id"))
    op.drop_table("import_problem")
    with op.batch_alter_table("supporter_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supporter_import_coalition_id"))
    op.drop_table("supporter_import")
