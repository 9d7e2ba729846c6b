"""advisor availability version, for cached slots

Revision ID: 5c3d4e5f6071
Revises: 4b2c3d4e5f60
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c3d4e5f6071'
down_revision = '4b2c3d4e5f60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('advisor_profiles', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('availability_version', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('advisor_profiles', schema=None) as batch_op:
        batch_op.drop_column('availability_version')
