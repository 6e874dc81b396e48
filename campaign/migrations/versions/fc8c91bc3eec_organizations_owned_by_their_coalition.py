"""organizations: the coalition that owns a profile, members' own names and verified domains, signatories' names as signed

Revision ID: fc8c91bc3eec
Revises: 120192d1ff77
Create Date: 2026-12-04 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fc8c91bc3eec'
down_revision = '120192d1ff77'
branch_labels = None
depends_on = None


def upgrade():
    # Existing records have no owner: no coalition may change their shared profile, each keeps
    # its own name for them. No membership has a verified domain until it accepts again.
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_coalition_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_organization_owner_coalition_id'), ['owner_coalition_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_organization_owner_coalition_id', 'coalition', ['owner_coalition_id'], ['id'], ondelete='SET NULL'
        )

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('verified_domain', sa.String(length=255), nullable=True))

    # Signed letters keep the names their signatories had when this migration ran.
    with op.batch_alter_table('letter_signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organization_name', sa.String(length=200), nullable=False, server_default=''))
    op.execute(
        "UPDATE letter_signature SET organization_name = "
        "(SELECT organization.name FROM organization WHERE organization.id = letter_signature.organization_id) "
        "WHERE organization_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('letter_signature', schema=None) as batch_op:
        batch_op.drop_column('organization_name')

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('verified_domain')
        batch_op.drop_column('display_name')

    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_constraint('fk_organization_owner_coalition_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organization_owner_coalition_id'))
        batch_op.drop_column('owner_coalition_id')
