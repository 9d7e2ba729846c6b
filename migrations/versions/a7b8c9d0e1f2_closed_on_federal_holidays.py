"""an advisor may close on US federal holidays

New advisors start closed on them (advising.scheduling.defaults); advisors from before keep
the hours they published, so the column's default for existing rows is false.

Revision ID: a7b8c9d0e1f2
Revises: f6a7b8c9d0e1
Create Date: 2026-12-04 23:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7b8c9d0e1f2'
down_revision = 'f6a7b8c9d0e1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('booking_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'closed_on_holidays', sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table('booking_settings', schema=None) as batch_op:
        batch_op.drop_column('closed_on_holidays')
