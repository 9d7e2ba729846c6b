"""a roadmap's link mail names its intake, so deleting one roadmap deletes only its mail

Revision ID: e5f6a7b8c9d0
Revises: c3d4e5f6a7b8
Create Date: 2026-12-04 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f6a7b8c9d0'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_mail_outbox_intake_id'), ['intake_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_mail_outbox_intake_id_intakes'),
            'intakes',
            ['intake_id'],
            ['id'],
            ondelete='CASCADE',
        )


def downgrade():
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_mail_outbox_intake_id_intakes'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_mail_outbox_intake_id'))
        batch_op.drop_column('intake_id')
