"""users: a session version, so signing out or a new password ends every session

Revision ID: c3d9e5f72b16
Revises: b7e2c4d81a05
Create Date: 2026-12-01 19:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'c3d9e5f72b16'
down_revision = 'b7e2c4d81a05'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (with its default, allowed on SQLite): a batch rebuild of users
    # would have to drop the table every other table points at.
    op.add_column('users', sa.Column('session_version', sa.Integer(), server_default='1',
                                     nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
