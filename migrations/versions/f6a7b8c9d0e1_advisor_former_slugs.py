"""an advisor's former page addresses, so links shared with them keep working

Revision ID: f6a7b8c9d0e1
Revises: e5f6a7b8c9d0
Create Date: 2026-12-04 19:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6a7b8c9d0e1'
down_revision = 'e5f6a7b8c9d0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'advisor_former_slugs',
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('advisor_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['advisor_id'],
            ['advisor_profiles.id'],
            name=op.f('fk_advisor_former_slugs_advisor_id_advisor_profiles'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('slug', name=op.f('pk_advisor_former_slugs')),
    )
    with op.batch_alter_table('advisor_former_slugs', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_advisor_former_slugs_advisor_id'), ['advisor_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('advisor_former_slugs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisor_former_slugs_advisor_id'))
    op.drop_table('advisor_former_slugs')
