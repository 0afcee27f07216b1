"""account_sessions: each sign-in a session of its own, ended on its own; one-time reset codes

Revision ID: f9b5c1d7e643
Revises: e8a4b0c6d532
Create Date: 2026-12-02 09:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'f9b5c1d7e643'
down_revision = 'e8a4b0c6d532'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'account_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('description', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_account_sessions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_sessions_token_hash')),
    )
    op.create_index('ix_account_sessions_user_live', 'account_sessions',
                    ['user_id', 'ended_at'], unique=False)
    op.create_table(
        'password_resets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('wrong_tries', sa.Integer(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_password_resets_user_id_users')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_password_resets_issued_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_resets')),
    )
    op.create_index(op.f('ix_password_resets_code_hash'), 'password_resets', ['code_hash'],
                    unique=False)
    op.create_index('ix_password_resets_user_created', 'password_resets',
                    ['user_id', 'created_at'], unique=False)
    # Sessions signed in before this revision carry "id:version" and are signed out: the
    # loader now wants "id:version:token" naming a live row here.


def downgrade() -> None:
    op.drop_index('ix_password_resets_user_created', table_name='password_resets')
    op.drop_index(op.f('ix_password_resets_code_hash'), table_name='password_resets')
    op.drop_table('password_resets')
    op.drop_index('ix_account_sessions_user_live', table_name='account_sessions')
    op.drop_table('account_sessions')
