"""bookings held until confirmed; erased personal data

A booking may be ``held`` until the visitor confirms it (``booking_settings.hold_minutes``,
off by default; ``bookings.hold_expires_at``). A held booking holds its time, so the exclusion
constraint that refuses overlapping bookings on PostgreSQL counts it too: it is dropped and
created again with 'held' in its WHERE list. ``bookings.personal_data_erased_at`` marks a
booking kept as an anonymous slot after its visitor's details were deleted.

Revision ID: 90a1b2c3d4e5
Revises: 8f607182a3b4
Create Date: 2026-12-02 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import advising.database

# revision identifiers, used by Alembic.
revision = '90a1b2c3d4e5'
down_revision = '8f607182a3b4'
branch_labels = None
depends_on = None

NO_OVERLAP = (
    "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist "
    "(advisor_id WITH =, tstzrange(blocked_start, blocked_end, '[)') WITH &&) "
    "WHERE (status IN ({statuses}))"
)
DROP_NO_OVERLAP = "ALTER TABLE bookings DROP CONSTRAINT IF EXISTS bookings_no_overlap"


def upgrade():
    with op.batch_alter_table('booking_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold_minutes', sa.Integer(), nullable=True))
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('hold_expires_at', advising.database.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                'personal_data_erased_at',
                advising.database.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DROP_NO_OVERLAP)
        op.execute(NO_OVERLAP.format(statuses="'held', 'confirmed', 'completed', 'no_show'"))


def downgrade():
    # Held bookings cannot stay: they would hold time the old constraint does not see.
    op.execute(
        "UPDATE bookings SET status = 'cancelled', cancelled_at = CURRENT_TIMESTAMP, "
        "cancelled_by = 'system' WHERE status = 'held'"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DROP_NO_OVERLAP)
        op.execute(NO_OVERLAP.format(statuses="'confirmed', 'completed', 'no_show'"))
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('personal_data_erased_at')
        batch_op.drop_column('hold_expires_at')
    with op.batch_alter_table('booking_settings', schema=None) as batch_op:
        batch_op.drop_column('hold_minutes')
