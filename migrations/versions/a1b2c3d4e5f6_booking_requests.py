"""keyed booking requests (Idempotency-Key, the booking form's one-time key)

Revision ID: a1b2c3d4e5f6
Revises: 90a1b2c3d4e5
Create Date: 2026-12-02 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import advising.database


# revision identifiers, used by Alembic.
revision = 'a1b2c3d4e5f6'
down_revision = '90a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'booking_requests',
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        sa.Column('created_at', advising.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('key_hash'),
    )
    with op.batch_alter_table('booking_requests', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_booking_requests_booking_id'), ['booking_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('booking_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_requests_booking_id'))
    op.drop_table('booking_requests')
