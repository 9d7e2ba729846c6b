"""rendered roadmap PDFs, kept per version of what they show

Revision ID: 8f607182a3b4
Revises: 7e5f60718293
Create Date: 2026-12-02 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import advising.database


# revision identifiers, used by Alembic.
revision = '8f607182a3b4'
down_revision = '7e5f60718293'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'roadmap_pdfs',
        sa.Column('intake_id', sa.Integer(), nullable=False),
        sa.Column('html_sha256', sa.String(length=64), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', advising.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['intake_id'], ['intakes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('intake_id'),
    )


def downgrade():
    op.drop_table('roadmap_pdfs')
