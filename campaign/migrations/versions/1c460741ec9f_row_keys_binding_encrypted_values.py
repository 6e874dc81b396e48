"""row keys: each table with encrypted columns gets the key that binds its values to their row

Existing rows keep NULL (their values are of the older, unbound formats, which still decrypt);
`flask crypto rotate` gives them keys and rewrites their values, in batches, outside the migration.

Revision ID: 1c460741ec9f
Revises: e3e07af98b33
Create Date: 2026-12-04 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1c460741ec9f'
down_revision = 'e3e07af98b33'
branch_labels = None
depends_on = None

# Named here rather than taken from the models: a migration must keep working after they move on.
TABLES = (
    'account_email_request',
    'action_event',
    'data_request',
    'letter_signature',
    'membership',
    'petition_paper_entry',
    'petition_signature',
    'stored_mail',
    'supporter',
    'team_invitation',
)


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('row_key', sa.LargeBinary(length=16), nullable=True))


def downgrade():
    # Values written since (bound to their row) no longer decrypt without it: downgrading needs
    # a database restored from before the upgrade.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('row_key')
