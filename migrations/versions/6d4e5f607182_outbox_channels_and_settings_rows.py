"""outbox channels; every advisor has booking settings and weekly hours rows

Revision ID: 6d4e5f607182
Revises: 5c3d4e5f6071
Create Date: 2026-12-02 04:00:00.000000

"""
from datetime import time

from alembic import op
import sqlalchemy as sa

# advising.scheduling.defaults as of this revision (a migration keeps its own copy).
DEFAULT_SETTINGS = {
    "duration_minutes": 45,
    "interval_minutes": 15,
    "buffer_before_minutes": 0,
    "buffer_after_minutes": 15,
    "min_notice_hours": 12,
    "horizon_days": 60,
    "max_per_day": None,
    "booking_enabled": True,
    "reschedule_cutoff_hours": 12,
    "cancel_cutoff_hours": 2,
}
DEFAULT_WEEKLY_HOURS = {day: ((time(9, 0), time(17, 0)),) for day in range(5)}


# revision identifiers, used by Alembic.
revision = '6d4e5f607182'
down_revision = '5c3d4e5f6071'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('channel', sa.String(length=16), server_default='mail', nullable=False)
        )

    # Advisors who never saved rules had their defaults applied on the fly; store them now,
    # from the same source a new profile takes them from.
    conn = op.get_bind()
    missing = [
        row[0]
        for row in conn.execute(
            sa.text(
                "SELECT id FROM advisor_profiles WHERE id NOT IN "
                "(SELECT advisor_id FROM booking_settings)"
            )
        )
    ]
    settings = sa.table(
        'booking_settings',
        sa.column('advisor_id', sa.Integer),
        *(sa.column(name) for name in DEFAULT_SETTINGS),
    )
    hours = sa.table(
        'weekly_hours',
        sa.column('advisor_id', sa.Integer),
        sa.column('weekday', sa.Integer),
        sa.column('start_time', sa.Time),
        sa.column('end_time', sa.Time),
    )
    for advisor_id in missing:
        conn.execute(settings.insert().values(advisor_id=advisor_id, **DEFAULT_SETTINGS))
        for weekday, ranges in DEFAULT_WEEKLY_HOURS.items():
            for start, end in ranges:
                conn.execute(
                    hours.insert().values(
                        advisor_id=advisor_id, weekday=weekday, start_time=start, end_time=end
                    )
                )


def downgrade():
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_column('channel')
