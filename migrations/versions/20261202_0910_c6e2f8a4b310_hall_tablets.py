"""hall_tablets: tablets enrolled for a ballot, and delegates' one-time hall card codes

Revision ID: c6e2f8a4b310
Revises: b5d1e7f3a209
Create Date: 2026-12-02 09:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'c6e2f8a4b310'
down_revision = 'b5d1e7f3a209'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'hall_tablets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ballot_id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=40), nullable=False),
        sa.Column('enrol_code_hash', sa.String(length=64), nullable=True),
        sa.Column('enrol_expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('enrolled_by_id', sa.Integer(), nullable=False),
        sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('wrong_codes', sa.Integer(), nullable=False),
        sa.Column('turn_hash', sa.String(length=64), nullable=True),
        sa.CheckConstraint('wrong_codes >= 0', name=op.f('ck_hall_tablets_wrong_codes')),
        sa.CheckConstraint('token_hash IS NULL OR enrol_code_hash IS NULL',
                           name=op.f('ck_hall_tablets_claimed_once')),
        sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'],
                                name=op.f('fk_hall_tablets_ballot_id_ballots')),
        sa.ForeignKeyConstraint(['enrolled_by_id'], ['users.id'],
                                name=op.f('fk_hall_tablets_enrolled_by_id_users')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'],
                                name=op.f('fk_hall_tablets_revoked_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hall_tablets')),
        sa.UniqueConstraint('enrol_code_hash', name=op.f('uq_hall_tablets_enrol_code_hash')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_hall_tablets_token_hash')),
    )
    op.create_index(op.f('ix_hall_tablets_ballot_id'), 'hall_tablets', ['ballot_id'],
                    unique=False)
    op.create_table(
        'hall_cards',
        sa.Column('ballot_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used', sa.Boolean(), nullable=False),
        sa.Column('wrong_tries', sa.Integer(), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('wrong_tries >= 0', name=op.f('ck_hall_cards_wrong_tries')),
        sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'],
                                name=op.f('fk_hall_cards_ballot_id_ballots')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'],
                                name=op.f('fk_hall_cards_issued_by_id_users')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_hall_cards_user_id_users')),
        sa.PrimaryKeyConstraint('ballot_id', 'user_id', name=op.f('pk_hall_cards')),
    )


def downgrade() -> None:
    op.drop_table('hall_cards')
    op.drop_index(op.f('ix_hall_tablets_ballot_id'), table_name='hall_tablets')
    op.drop_table('hall_tablets')
