"""sealed ballots: the tellers' key shares, sealed boxes, voter records without rowid

Revision ID: 5e7a1c9d2b40
Revises: bc18c8b4d03e
Create Date: 2026-12-01 15:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '5e7a1c9d2b40'
down_revision = 'bc18c8b4d03e'
branch_labels = None
depends_on = None


def _voter_records(with_rowid: bool) -> None:
    # SQLite numbers a rowid table's rows in insertion order, which for voter_records is the
    # casting order; the table is rebuilt as WITHOUT ROWID. PostgreSQL has no rowid.
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("voter_records", recreate="always",
                              table_kwargs={"sqlite_with_rowid": with_rowid}):
        pass


def upgrade() -> None:
    op.create_table('ballot_seals',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.CheckConstraint('threshold >= 2', name=op.f('ck_ballot_seals_threshold')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_seals_ballot_id_ballots')),
    sa.PrimaryKeyConstraint('ballot_id', name=op.f('pk_ballot_seals'))
    )
    op.create_table('ballot_key_shares',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('teller_id', sa.Integer(), nullable=False),
    sa.Column('share_index', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('wrapped', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_key_shares_ballot_id_ballots')),
    sa.ForeignKeyConstraint(['teller_id'], ['users.id'], name=op.f('fk_ballot_key_shares_teller_id_users')),
    sa.PrimaryKeyConstraint('ballot_id', 'teller_id', name=op.f('pk_ballot_key_shares')),
    sa.UniqueConstraint('ballot_id', 'share_index', name=op.f('uq_ballot_key_shares_ballot_id_share_index'))
    )
    # Like cast_ballots: a random key and no rowid, so storage order is not casting order.
    op.create_table('sealed_ballots',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('box', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_sealed_ballots_ballot_id_ballots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_ballots')),
    sqlite_with_rowid=False
    )
    _voter_records(with_rowid=False)


def downgrade() -> None:
    _voter_records(with_rowid=True)
    op.drop_table('sealed_ballots')
    op.drop_table('ballot_key_shares')
    op.drop_table('ballot_seals')
