"""career intake, roadmaps, consultation notes and recommendations

Revision ID: 3a1b2c3d4e5f
Revises: 75be0f5eb11e
Create Date: 2026-11-24 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import advising.database


# revision identifiers, used by Alembic.
revision = '3a1b2c3d4e5f'
down_revision = '75be0f5eb11e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('intakes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('roadmap', sa.JSON(), nullable=False),
    sa.Column('content_version', sa.String(length=40), nullable=False),
    sa.Column('consent_at', advising.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', advising.database.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intakes')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_intakes_token_hash'))
    )
    with op.batch_alter_table('intakes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intakes_created_at'), ['created_at'], unique=False)

    # On SQLite the batch rebuilds bookings to add the foreign key (before any new table refers
    # to bookings); PostgreSQL alters it in place, keeping its exclusion constraint.
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_bookings_intake_id'), ['intake_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_bookings_intake_id_intakes'), 'intakes', ['intake_id'], ['id'], ondelete='SET NULL')

    op.create_table('advisor_recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', advising.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_advisor_recommendations_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_advisor_recommendations_booking_id_bookings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisor_recommendations'))
    )
    with op.batch_alter_table('advisor_recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisor_recommendations_booking_id'), ['booking_id'], unique=False)

    op.create_table('consultation_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', advising.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', advising.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_consultation_notes_booking_id_bookings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_notes')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_consultation_notes_booking_id'))
    )
    op.create_table('consultation_note_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', advising.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_consultation_note_revisions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['note_id'], ['consultation_notes.id'], name=op.f('fk_consultation_note_revisions_note_id_consultation_notes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_note_revisions'))
    )
    with op.batch_alter_table('consultation_note_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_note_revisions_note_id'), ['note_id'], unique=False)


def downgrade():
    # The tables that refer to bookings go first: SQLite rebuilds bookings below.
    with op.batch_alter_table('consultation_note_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_note_revisions_note_id'))

    op.drop_table('consultation_note_revisions')
    op.drop_table('consultation_notes')
    with op.batch_alter_table('advisor_recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisor_recommendations_booking_id'))

    op.drop_table('advisor_recommendations')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bookings_intake_id_intakes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_bookings_intake_id'))
        batch_op.drop_column('intake_id')

    with op.batch_alter_table('intakes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intakes_created_at'))

    op.drop_table('intakes')
