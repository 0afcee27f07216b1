"""paper_ballots: who took a paper ballot at the box, and the paper count entered after close

A ballot may now be mixed (paper or electronic, each delegate's choice): the teller marks
who took a paper ballot (paper_ballot_issues), and at closing enters the paper totals and
how many paper ballots were found in the box (ballots.paper_ballots).

Revision ID: d7f3a9b5c421
Revises: c6e2f8a4b310
Create Date: 2026-12-02 09:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'd7f3a9b5c421'
down_revision = 'c6e2f8a4b310'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'paper_ballot_issues',
        sa.Column('ballot_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'],
                                name=op.f('fk_paper_ballot_issues_ballot_id_ballots')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'],
                                name=op.f('fk_paper_ballot_issues_issued_by_id_users')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_paper_ballot_issues_user_id_users')),
        sa.PrimaryKeyConstraint('ballot_id', 'user_id', name=op.f('pk_paper_ballot_issues')),
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper_ballots', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_ballots_mode'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_ballots_mode'),
                                         "mode IN ('electronic', 'paper', 'mixed')")
        batch_op.create_check_constraint(
            batch_op.f('ck_ballots_paper_ballots'),
            "paper_ballots IS NULL OR (mode = 'mixed' AND paper_ballots >= 0"
            " AND paper_ballots <= ballots_cast)")


def downgrade() -> None:
    # A mixed ballot has no place in the old schema: it reads as electronic, its paper
    # count (kept in its ledger and bulletin) no longer in the ballot's row.
    op.execute("UPDATE ballots SET mode = 'electronic' WHERE mode = 'mixed'")
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ballots_paper_ballots'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_ballots_mode'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_ballots_mode'),
                                         "mode IN ('electronic', 'paper')")
        batch_op.drop_column('paper_ballots')
    op.drop_table('paper_ballot_issues')
