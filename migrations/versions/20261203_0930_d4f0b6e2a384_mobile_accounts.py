"""mobile accounts: one person, one confirmed mobile number; one-time sign-in codes; the
community's roster of residents; assisted accounts

Revision ID: d4f0b6e2a384
Revises: c3e9a5d1f273
Create Date: 2026-12-03 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'd4f0b6e2a384'
down_revision = 'c3e9a5d1f273'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Migrations run with SQLite's foreign keys off (migrations/env.py), so the batch
    # rebuild of users that its new foreign key needs deletes nothing that points at it.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile_confirmed_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('assisted', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('assisted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f('fk_users_assisted_by_id_users'), 'users',
                                    ['assisted_by_id'], ['id'], ondelete='SET NULL')
    # Numbers typed so far were never confirmed: none is unique yet, nobody is confirmed.
    op.create_index('uq_users_mobile_confirmed', 'users', ['mobile'], unique=True,
                    sqlite_where=sa.text('mobile_confirmed_at IS NOT NULL'),
                    postgresql_where=sa.text('mobile_confirmed_at IS NOT NULL'))
    op.create_table(
        'mobile_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('number', sa.String(length=11), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('wrong_tries', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_mobile_codes_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mobile_codes')),
    )
    op.create_index('ix_mobile_codes_number_created', 'mobile_codes', ['number', 'created_at'],
                    unique=False)
    op.create_index('ix_mobile_codes_user_purpose', 'mobile_codes',
                    ['user_id', 'purpose', 'created_at'], unique=False)
    op.create_table(
        'roster_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('place_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('mobile', sa.String(length=11), nullable=False),
        sa.Column('address', sa.String(length=120), nullable=True),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_roster_entries_imported_by_id_users')),
        sa.ForeignKeyConstraint(['place_id'], ['places.id'],
                                name=op.f('fk_roster_entries_place_id_places')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_entries')),
        sa.UniqueConstraint('mobile', name=op.f('uq_roster_entries_mobile')),
    )
    op.create_index(op.f('ix_roster_entries_place_id'), 'roster_entries', ['place_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_roster_entries_place_id'), table_name='roster_entries')
    op.drop_table('roster_entries')
    op.drop_index('ix_mobile_codes_user_purpose', table_name='mobile_codes')
    op.drop_index('ix_mobile_codes_number_created', table_name='mobile_codes')
    op.drop_table('mobile_codes')
    op.drop_index('uq_users_mobile_confirmed', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_assisted_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('assisted_by_id')
        batch_op.drop_column('assisted')
        batch_op.drop_column('mobile_confirmed_at')
