"""stage transitions: a reason, required when an admin moves a cycle back a stage

Revision ID: 3e366d992588
Revises: 7d3f9a61c2e8
Create Date: 2026-12-01 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '3e366d992588'
down_revision = '7d3f9a61c2e8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('stage_transitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('stage_transitions', schema=None) as batch_op:
        batch_op.drop_column('reason')
