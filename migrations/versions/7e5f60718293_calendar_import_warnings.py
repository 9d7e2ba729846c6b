"""calendar sources keep the last import's warnings (events skipped as damaged)

Revision ID: 7e5f60718293
Revises: 6d4e5f607182
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e5f60718293'
down_revision = '6d4e5f607182'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calendar_sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_warnings', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('calendar_sources', schema=None) as batch_op:
        batch_op.drop_column('import_warnings')
