"""password tokens (reset and invite links) and account events

Revision ID: c3d4e5f6a7b8
Revises: d4e5f6a7b8c9
Create Date: 2026-12-02 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import advising.database


# revision identifiers, used by Alembic.
revision = 'c3d4e5f6a7b8'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'password_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('purpose', sa.String(length=16), nullable=False),
        sa.Column('created_at', advising.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', advising.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', advising.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('password_tokens', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_password_tokens_user_id'), ['user_id'], unique=False
        )
    op.create_table(
        'account_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('detail', sa.String(length=200), nullable=False),
        sa.Column('created_at', advising.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_account_events_user_id'), ['user_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_events_user_id'))
    op.drop_table('account_events')
    with op.batch_alter_table('password_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_tokens_user_id'))
    op.drop_table('password_tokens')
