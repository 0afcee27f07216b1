"""ballots: options, roster, secret ballots, results, ledger

Revision ID: e86ec8f93ffc
Revises: da9eff06ab5e
Create Date: 2026-11-26 06:10:36.355199
"""

import sqlalchemy as sa
from alembic import op

revision = 'e86ec8f93ffc'
down_revision = 'da9eff06ab5e'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('rules_json', sa.Text(), nullable=False),
    sa.Column('rules_hash', sa.String(length=64), nullable=False),
    sa.Column('roster_hash', sa.String(length=64), nullable=True),
    sa.Column('entitled', sa.Integer(), nullable=True),
    sa.Column('check_in_code', sa.String(length=12), nullable=True),
    sa.Column('present', sa.Integer(), nullable=True),
    sa.Column('ballots_cast', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("mode IN ('electronic', 'paper')", name=op.f('ck_ballots_mode')),
    sa.CheckConstraint("status != 'published' OR published_at IS NOT NULL", name=op.f('ck_ballots_published_at')),
    sa.CheckConstraint("status = 'draft' OR (opened_at IS NOT NULL AND roster_hash IS NOT NULL AND entitled IS NOT NULL AND check_in_code IS NOT NULL)", name=op.f('ck_ballots_opened_frozen')),
    sa.CheckConstraint("status IN ('draft', 'open') OR (closed_at IS NOT NULL AND present IS NOT NULL AND ballots_cast IS NOT NULL)", name=op.f('ck_ballots_closed_counted')),
    sa.CheckConstraint("status IN ('draft', 'open', 'closed', 'published')", name=op.f('ck_ballots_status')),
    sa.CheckConstraint('ballots_cast IS NULL OR (ballots_cast >= 0 AND ballots_cast <= entitled)', name=op.f('ck_ballots_cast_within_roster')),
    sa.CheckConstraint('entitled IS NULL OR entitled >= 0', name=op.f('ck_ballots_entitled')),
    sa.CheckConstraint('present IS NULL OR (present >= 0 AND present <= entitled)', name=op.f('ck_ballots_present_within_roster')),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_ballots_assembly_id_assemblies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_ballots_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots'))
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_assembly_id'), ['assembly_id'], unique=False)

    op.create_table('ballot_ledger',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('payload_json', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_ballot_ledger_seq_positive')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_ledger_ballot_id_ballots')),
    sa.PrimaryKeyConstraint('ballot_id', 'seq', name=op.f('pk_ballot_ledger'))
    )
    op.create_table('ballot_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.Column('unit', sa.String(length=80), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('cost >= 0', name=op.f('ck_ballot_options_cost')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_options_ballot_id_ballots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_options')),
    sa.UniqueConstraint('ballot_id', 'position', name=op.f('uq_ballot_options_ballot_id_position'))
    )
    op.create_table('ballot_resolutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('adopted_json', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('runoff_ballot_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind != 'runoff' OR runoff_ballot_id IS NOT NULL", name=op.f('ck_ballot_resolutions_runoff_linked')),
    sa.CheckConstraint("kind IN ('lawful', 'runoff')", name=op.f('ck_ballot_resolutions_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ballot_resolutions_actor_id_users')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_resolutions_ballot_id_ballots')),
    sa.ForeignKeyConstraint(['runoff_ballot_id'], ['ballots.id'], name=op.f('fk_ballot_resolutions_runoff_ballot_id_ballots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_resolutions')),
    sa.UniqueConstraint('ballot_id', name=op.f('uq_ballot_resolutions_ballot_id'))
    )
    op.create_table('ballot_results',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('result_json', sa.Text(), nullable=False),
    sa.Column('result_hash', sa.String(length=64), nullable=False),
    sa.Column('bulletin_json', sa.Text(), nullable=True),
    sa.Column('bulletin_digest', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_results_ballot_id_ballots')),
    sa.PrimaryKeyConstraint('ballot_id', name=op.f('pk_ballot_results'))
    )
    op.create_table('ballot_roster',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_roster_ballot_id_ballots')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_ballot_roster_checked_in_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ballot_roster_user_id_users')),
    sa.PrimaryKeyConstraint('ballot_id', 'user_id', name=op.f('pk_ballot_roster'))
    )
    # The secret ballots: no voter, no time, no autoincrement. On SQLite WITHOUT ROWID stores
    # them by their random key, not in casting order (PostgreSQL: see votes/closing.py).
    op.create_table('cast_ballots',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('tracker', sa.String(length=12), nullable=False),
    sa.Column('choices', sa.Text(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_cast_ballots_ballot_id_ballots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cast_ballots')),
    sa.UniqueConstraint('ballot_id', 'tracker', name=op.f('uq_cast_ballots_ballot_id_tracker')),
    sqlite_with_rowid=False
    )
    op.create_table('roll_call_votes',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('choices', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_roll_call_votes_ballot_id_ballots')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roll_call_votes_user_id_users')),
    sa.PrimaryKeyConstraint('ballot_id', 'user_id', name=op.f('pk_roll_call_votes'))
    )
    op.create_table('voter_records',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_voter_records_ballot_id_ballots')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_voter_records_user_id_users')),
    sa.PrimaryKeyConstraint('ballot_id', 'user_id', name=op.f('pk_voter_records'))
    )
    op.create_table('paper_totals',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=False),
    sa.Column('no', sa.Integer(), nullable=False),
    sa.Column('abstain', sa.Integer(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('yes >= 0 AND no >= 0 AND abstain >= 0', name=op.f('ck_paper_totals_counts')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_paper_totals_ballot_id_ballots')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_paper_totals_entered_by_id_users')),
    sa.ForeignKeyConstraint(['option_id'], ['ballot_options.id'], name=op.f('fk_paper_totals_option_id_ballot_options')),
    sa.PrimaryKeyConstraint('ballot_id', 'option_id', name=op.f('pk_paper_totals'))
    )


def downgrade() -> None:
    op.drop_table('paper_totals')
    op.drop_table('voter_records')
    op.drop_table('roll_call_votes')
    op.drop_table('cast_ballots')
    op.drop_table('ballot_roster')
    op.drop_table('ballot_results')
    op.drop_table('ballot_resolutions')
    op.drop_table('ballot_options')
    op.drop_table('ballot_ledger')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballots_assembly_id'))

    op.drop_table('ballots')
