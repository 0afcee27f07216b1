"""requests (接诉即办): units, time limits (with defaults), requests and their yearly number
counters, their history, handling rounds, pauses, ratings and the supervision list

Revision ID: f6b2d8e41c57
Revises: e5a7c3b19d42
Create Date: 2026-12-01 20:30:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = 'f6b2d8e41c57'
down_revision = 'e5a7c3b19d42'
branch_labels = None
depends_on = None

# The proposals' category codes; every category starts with the same limits, which the admin
# changes per category: (sign within hours, resolve within working days).
CATEGORIES = ('education', 'health', 'elderly_care', 'transport', 'environment', 'housing',
              'culture_sports', 'employment', 'food_safety', 'public_safety', 'other')
DEFAULT_LIMITS = {'normal': (24, 5), 'urgent': (2, 1)}


def upgrade() -> None:
    op.create_table('request_limits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('urgency', sa.String(length=10), nullable=False),
    sa.Column('sign_hours', sa.Integer(), nullable=False),
    sa.Column('resolve_days', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("urgency IN ('normal', 'urgent')", name=op.f('ck_request_limits_urgency_known')),
    sa.CheckConstraint('resolve_days BETWEEN 1 AND 60', name=op.f('ck_request_limits_resolve_days_range')),
    sa.CheckConstraint('sign_hours BETWEEN 1 AND 720', name=op.f('ck_request_limits_sign_hours_range')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_request_limits_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_limits')),
    sa.UniqueConstraint('category', 'urgency', name=op.f('uq_request_limits_category_urgency'))
    )
    op.create_table('request_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['official_id'], ['users.id'], name=op.f('fk_request_units_official_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_units')),
    sa.UniqueConstraint('name', name=op.f('uq_request_units_name')),
    sa.UniqueConstraint('official_id', name=op.f('uq_request_units_official_id'))
    )
    op.create_table('request_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_request_counters'))
    )
    op.create_table('requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('community', sa.String(length=40), nullable=False),
    sa.Column('urgency', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('sign_hours', sa.Integer(), nullable=True),
    sa.Column('resolve_days', sa.Integer(), nullable=True),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sign_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handling_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolve_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('supervised', sa.Boolean(), nullable=False),
    sa.CheckConstraint("channel IN ('online', 'grid_worker', 'liaison_station', 'hotline')", name=op.f('ck_requests_channel_known')),
    sa.CheckConstraint("status IN ('raised', 'dispatched', 'signed', 'waiting', 'replied', 'reopened', 'closed')", name=op.f('ck_requests_status_known')),
    sa.CheckConstraint("urgency IN ('normal', 'urgent')", name=op.f('ck_requests_urgency_known')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_requests_entered_by_id_users')),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_requests_requester_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['request_units.id'], name=op.f('fk_requests_unit_id_request_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requests')),
    sa.UniqueConstraint('number', name=op.f('uq_requests_number')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_requests_year_seq'))
    )
    op.create_index('ix_requests_community', 'requests', ['community'], unique=False)
    op.create_index('ix_requests_dispatched', 'requests', ['dispatched_at'], unique=False)
    op.create_index(op.f('ix_requests_requester_id'), 'requests', ['requester_id'], unique=False)
    op.create_index('ix_requests_status_raised', 'requests', ['status', 'raised_at'], unique=False)
    op.create_index(op.f('ix_requests_unit_id'), 'requests', ['unit_id'], unique=False)
    op.create_table('request_escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('ground', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint("ground IN ('sign_overdue', 'resolve_overdue', 'unsatisfied')", name=op.f('ck_request_escalations_ground_known')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_request_escalations_request_id_requests')),
    sa.ForeignKeyConstraint(['unit_id'], ['request_units.id'], name=op.f('fk_request_escalations_unit_id_request_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_escalations')),
    sa.UniqueConstraint('request_id', 'round', 'ground', name=op.f('uq_request_escalations_request_id_round_ground'))
    )
    op.create_index(op.f('ix_request_escalations_request_id'), 'request_escalations', ['request_id'], unique=False)
    op.create_table('request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_request_events_actor_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_request_events_request_id_requests')),
    sa.ForeignKeyConstraint(['unit_id'], ['request_units.id'], name=op.f('fk_request_events_unit_id_request_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_events'))
    )
    op.create_index(op.f('ix_request_events_request_id'), 'request_events', ['request_id'], unique=False)
    op.create_table('request_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_request_pauses_ended_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_request_pauses_request_id_requests')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_request_pauses_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_pauses'))
    )
    op.create_index(op.f('ix_request_pauses_request_id'), 'request_pauses', ['request_id'], unique=False)
    op.create_table('request_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('rated_by_id', sa.Integer(), nullable=False),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')", name=op.f('ck_request_ratings_rating_known')),
    sa.ForeignKeyConstraint(['rated_by_id'], ['users.id'], name=op.f('fk_request_ratings_rated_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_request_ratings_request_id_requests')),
    sa.ForeignKeyConstraint(['unit_id'], ['request_units.id'], name=op.f('fk_request_ratings_unit_id_request_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_ratings')),
    sa.UniqueConstraint('request_id', 'round', name=op.f('uq_request_ratings_request_id_round'))
    )
    op.create_index('ix_request_ratings_rated', 'request_ratings', ['round', 'rated_at'], unique=False)
    op.create_index(op.f('ix_request_ratings_request_id'), 'request_ratings', ['request_id'], unique=False)
    op.create_index(op.f('ix_request_ratings_unit_id'), 'request_ratings', ['unit_id'], unique=False)
    op.create_table('request_rounds',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolve_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_request_rounds_request_id_requests')),
    sa.ForeignKeyConstraint(['unit_id'], ['request_units.id'], name=op.f('fk_request_rounds_unit_id_request_units')),
    sa.PrimaryKeyConstraint('request_id', 'round', name=op.f('pk_request_rounds'))
    )
    op.create_index('ix_request_rounds_unit_due', 'request_rounds', ['unit_id', 'resolve_due_at'], unique=False)

    limits = sa.table('request_limits', sa.column('category', sa.String),
                      sa.column('urgency', sa.String), sa.column('sign_hours', sa.Integer),
                      sa.column('resolve_days', sa.Integer),
                      sa.column('updated_at', sa.DateTime(timezone=True)))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    op.bulk_insert(limits, [
        {'category': c, 'urgency': u, 'sign_hours': hours, 'resolve_days': days,
         'updated_at': now}
        for c in CATEGORIES for u, (hours, days) in DEFAULT_LIMITS.items()])


def downgrade() -> None:
    op.drop_index('ix_request_rounds_unit_due', table_name='request_rounds')
    op.drop_table('request_rounds')
    op.drop_index(op.f('ix_request_ratings_unit_id'), table_name='request_ratings')
    op.drop_index(op.f('ix_request_ratings_request_id'), table_name='request_ratings')
    op.drop_index('ix_request_ratings_rated', table_name='request_ratings')
    op.drop_table('request_ratings')
    op.drop_index(op.f('ix_request_pauses_request_id'), table_name='request_pauses')
    op.drop_table('request_pauses')
    op.drop_index(op.f('ix_request_events_request_id'), table_name='request_events')
    op.drop_table('request_events')
    op.drop_index(op.f('ix_request_escalations_request_id'), table_name='request_escalations')
    op.drop_table('request_escalations')
    op.drop_index(op.f('ix_requests_unit_id'), table_name='requests')
    op.drop_index('ix_requests_status_raised', table_name='requests')
    op.drop_index(op.f('ix_requests_requester_id'), table_name='requests')
    op.drop_index('ix_requests_dispatched', table_name='requests')
    op.drop_index('ix_requests_community', table_name='requests')
    op.drop_table('requests')
    op.drop_table('request_counters')
    op.drop_table('request_units')
    op.drop_table('request_limits')
