"""Petitions: an image each

Revision ID: 7e3d1dcc7da7
Revises: 544475cca3ca
Create Date: 2026-11-24 18:45:53.557194

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e3d1dcc7da7'
down_revision = '544475cca3ca'
branch_labels = None
depends_on = None


def upgrade():
    # Existing petitions get no image; the server defaults fill the new NOT NULL columns for them.
    op.create_table('petition_image',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('petition_image', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_image_petition_id'), ['petition_id'], unique=False)

    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('image_width', sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column('image_height', sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column('image_alt', sa.String(length=300), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('image_alt_es', sa.String(length=300), nullable=False, server_default=""))



def downgrade():
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.drop_column('image_alt_es')
        batch_op.drop_column('image_alt')
        batch_op.drop_column('image_height')
        batch_op.drop_column('image_width')
        batch_op.drop_column('image_key')

    with op.batch_alter_table('petition_image', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_image_petition_id'))

    op.drop_table('petition_image')
