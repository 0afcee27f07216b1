"""ballot_screens: what the hall's big screen shows for a ballot, as the desk chose

Revision ID: a8c4e6f20d13
Revises: f6b2d8e41c57
Create Date: 2026-12-01 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'a8c4e6f20d13'
down_revision = 'f6b2d8e41c57'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'ballot_screens',
        sa.Column('ballot_id', sa.Integer(), nullable=False),
        sa.Column('showing', sa.String(length=20), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], ondelete='CASCADE',
                                name=op.f('fk_ballot_screens_ballot_id_ballots')),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'],
                                name=op.f('fk_ballot_screens_changed_by_id_users')),
        sa.PrimaryKeyConstraint('ballot_id', name=op.f('pk_ballot_screens')),
    )


def downgrade() -> None:
    op.drop_table('ballot_screens')
