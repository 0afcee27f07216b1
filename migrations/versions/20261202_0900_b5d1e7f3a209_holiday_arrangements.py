"""holiday_arrangements: a year's public holidays and make-up workdays entered by an administrator

The tables start empty: a year's days come from the State Council's notice, entered on the
admin's page (/admin/requests/holidays), never from this migration.

Revision ID: b5d1e7f3a209
Revises: a8c4e6f20d13
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'b5d1e7f3a209'
down_revision = 'a8c4e6f20d13'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'holiday_arrangements',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('reference', sa.String(length=80), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=False),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('year BETWEEN 1900 AND 2200',
                           name=op.f('ck_holiday_arrangements_year_range')),
        sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'],
                                name=op.f('fk_holiday_arrangements_entered_by_id_users')),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_holiday_arrangements')),
    )
    op.create_table(
        'holiday_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.CheckConstraint("kind IN ('off', 'workday')", name=op.f('ck_holiday_days_kind_known')),
        sa.ForeignKeyConstraint(['year'], ['holiday_arrangements.year'], ondelete='CASCADE',
                                name=op.f('fk_holiday_days_year_holiday_arrangements')),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_holiday_days')),
    )
    op.create_index(op.f('ix_holiday_days_year'), 'holiday_days', ['year'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_holiday_days_year'), table_name='holiday_days')
    op.drop_table('holiday_days')
    op.drop_table('holiday_arrangements')
