"""ballot resolutions: a chain of settlements per ballot (step, settled_at)

A tie settled, selection goes on down the ranking and may stop at a further tie, settled in
turn: a ballot may now have several resolutions, one per step.

Revision ID: 7d3f9a61c2e8
Revises: 5e7a1c9d2b40
Create Date: 2026-12-01 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '7d3f9a61c2e8'
down_revision = '5e7a1c9d2b40'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ballot_resolutions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step', sa.Integer(), nullable=False,
                                      server_default=sa.text('1')))
        batch_op.add_column(sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_ballot_resolutions_ballot_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_ballot_resolutions_ballot_id_step'),
                                          ['ballot_id', 'step'])
        batch_op.create_check_constraint(batch_op.f('ck_ballot_resolutions_step_positive'),
                                         'step >= 1')
    # A lawful resolution took effect when it was recorded; a run-off's outcome is recorded
    # (and settled_at set) the next time its ballot's ties are looked at.
    op.execute("UPDATE ballot_resolutions SET settled_at = created_at WHERE kind = 'lawful'")
    with op.batch_alter_table('ballot_resolutions', schema=None) as batch_op:
        batch_op.alter_column('step', server_default=None)


def downgrade() -> None:
    # Only the first settlement of each ballot fits the old one-per-ballot table.
    op.execute("DELETE FROM ballot_resolutions WHERE step > 1")
    with op.batch_alter_table('ballot_resolutions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ballot_resolutions_step_positive'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('uq_ballot_resolutions_ballot_id_step'),
                                 type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_ballot_resolutions_ballot_id'),
                                          ['ballot_id'])
        batch_op.drop_column('settled_at')
        batch_op.drop_column('step')
