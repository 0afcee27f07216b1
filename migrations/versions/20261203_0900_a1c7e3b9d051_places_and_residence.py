"""places and residence: district, street, community as records; the verified register of residents

Revision ID: a1c7e3b9d051
Revises: f9b5c1d7e643
Create Date: 2026-12-03 09:00:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = 'a1c7e3b9d051'
down_revision = 'f9b5c1d7e643'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'places',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=12), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['parent_id'], ['places.id'],
                                name=op.f('fk_places_parent_id_places')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_places')),
        sa.UniqueConstraint('code', name=op.f('uq_places_code')),
        sa.UniqueConstraint('parent_id', 'name', name=op.f('uq_places_parent_id_name')),
    )
    op.create_table(
        'place_keepers',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('place_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['place_id'], ['places.id'], ondelete='CASCADE',
                                name=op.f('fk_place_keepers_place_id_places')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_place_keepers_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', 'place_id', name=op.f('pk_place_keepers')),
    )
    op.create_table(
        'residencies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('place_id', sa.Integer(), nullable=False),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('evidence', sa.String(length=80), nullable=True),
        sa.Column('address', sa.String(length=120), nullable=True),
        sa.Column('verified_by_id', sa.Integer(), nullable=True),
        sa.Column('verified_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_by_id', sa.Integer(), nullable=True),
        sa.Column('end_reason', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_residencies_ended_by_id_users')),
        sa.ForeignKeyConstraint(['place_id'], ['places.id'],
                                name=op.f('fk_residencies_place_id_places')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_residencies_user_id_users')),
        sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_residencies_verified_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_residencies')),
    )
    op.create_index('ix_residencies_place_live', 'residencies', ['place_id', 'ended_at'],
                    unique=False)
    op.create_index('uq_residencies_user_live', 'residencies', ['user_id'], unique=True,
                    sqlite_where=sa.text('ended_at IS NULL'),
                    postgresql_where=sa.text('ended_at IS NULL'))
    op.create_table(
        'household_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('place_id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=120), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('used_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_household_codes_issued_by_id_users')),
        sa.ForeignKeyConstraint(['place_id'], ['places.id'],
                                name=op.f('fk_household_codes_place_id_places')),
        sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_household_codes_used_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_household_codes')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_household_codes_code_hash')),
    )
    op.create_table(
        'register_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('place_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_register_log_actor_id_users')),
        sa.ForeignKeyConstraint(['place_id'], ['places.id'],
                                name=op.f('fk_register_log_place_id_places')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_register_log_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_register_log')),
    )
    op.create_index('ix_register_log_place_at', 'register_log', ['place_id', 'at'],
                    unique=False)
    _places_from_text()


def _places_from_text() -> None:
    """Every community named by text so far becomes a record, in one street and district
    for the admin to rename and re-file; nobody is verified by the move (a typed
    community never proved anything)."""
    bind = op.get_bind()
    names = set()
    for table in ('users', 'councils', 'proposals'):
        column = sa.table(table, sa.column('community', sa.String)).c.community
        names.update(bind.execute(sa.select(column).distinct()
                                  .where(column.is_not(None))).scalars())
    names = sorted(n.strip() for n in names if n and n.strip())
    if not names:
        return
    places = sa.table('places', sa.column('id', sa.Integer), sa.column('level', sa.String),
                      sa.column('code', sa.String), sa.column('name', sa.String),
                      sa.column('parent_id', sa.Integer),
                      sa.column('created_at', sa.DateTime(timezone=True)))
    now = datetime.now(UTC)
    bind.execute(places.insert().values(level='district', code='D0', name='本区',
                                        parent_id=None, created_at=now))
    district = bind.execute(sa.text("SELECT id FROM places WHERE code = 'D0'")).scalar()
    bind.execute(places.insert().values(level='street', code='S0', name='未分街道',
                                        parent_id=district, created_at=now))
    street = bind.execute(sa.text("SELECT id FROM places WHERE code = 'S0'")).scalar()
    bind.execute(places.insert(), [
        {'level': 'community', 'code': f'C{n:04d}', 'name': name[:40], 'parent_id': street,
         'created_at': now} for n, name in enumerate(dict.fromkeys(names), start=1)])


def downgrade() -> None:
    op.drop_index('ix_register_log_place_at', table_name='register_log')
    op.drop_table('register_log')
    op.drop_table('household_codes')
    op.drop_index('uq_residencies_user_live', table_name='residencies')
    op.drop_index('ix_residencies_place_live', table_name='residencies')
    op.drop_table('residencies')
    op.drop_table('place_keepers')
    op.drop_table('places')
