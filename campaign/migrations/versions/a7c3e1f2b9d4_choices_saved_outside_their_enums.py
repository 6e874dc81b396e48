"""choices saved outside their enums: a sign-on's sector and scope, an organization's

Before the forms treated "Choose a sector" as missing, a sign-on could save an empty (or any
crafted) sector or scope, and the organization it created took it too; reading such a row raised
LookupError, so its confirmation link answered 500. An unknown sector becomes the profile's
default ("other") on an organization and none on a sign-on; an unknown scope becomes none.

Revision ID: a7c3e1f2b9d4
Revises: f5df4e8b9c8e
Create Date: 2027-01-12 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e1f2b9d4'
down_revision = 'f5df4e8b9c8e'
branch_labels = None
depends_on = None

# Named here rather than taken from the models: a migration must keep working after they move on.
SECTORS = ('grassroots', 'faith_based', 'labor', 'legal_services', 'civil_rights', 'youth', 'health', 'other')
SCOPES = ('national', 'state', 'local')


def _heal(table, column, allowed, replacement):
    rows = sa.table(table, sa.column(column, sa.String))
    op.execute(
        rows.update()
        .where(rows.c[column].is_not(None), rows.c[column].not_in(allowed))
        .values({column: replacement})
    )


def upgrade():
    _heal('letter_signature', 'sector', SECTORS, None)
    _heal('letter_signature', 'scope', SCOPES, None)
    _heal('organization', 'sector', SECTORS, 'other')
    _heal('organization', 'scope', SCOPES, None)


def downgrade():
    pass  # the values replaced were unreadable: there is nothing to put back
