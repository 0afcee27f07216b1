"""notices: the outbox of email/SMS deliveries, each person's channel choices, users.mobile

Revision ID: e5a7c3b19d42
Revises: d4e8f1a93c27
Create Date: 2026-12-01 20:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'e5a7c3b19d42'
down_revision = 'd4e8f1a93c27'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild of users would drop the table others point at.
    op.add_column('users', sa.Column('mobile', sa.String(length=20), nullable=True))
    op.create_table(
        'notice_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claim', sa.String(length=32), nullable=True),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'],
                                name=op.f('fk_notice_deliveries_notification_id_notifications'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notice_deliveries_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_deliveries')),
        sa.UniqueConstraint('key', name=op.f('uq_notice_deliveries_key')),
        sa.UniqueConstraint('notification_id', 'channel',
                            name=op.f('uq_notice_deliveries_notification_id_channel')),
    )
    op.create_index('ix_notice_deliveries_due', 'notice_deliveries',
                    ['status', 'next_attempt_at'], unique=False)
    op.create_index('ix_notice_deliveries_user', 'notice_deliveries',
                    ['user_id', 'channel', 'status'], unique=False)
    op.create_table(
        'notice_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=10), nullable=False),
        sa.Column('sms', sa.String(length=10), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notice_preferences_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notice_preferences')),
    )


def downgrade() -> None:
    op.drop_table('notice_preferences')
    op.drop_index('ix_notice_deliveries_user', table_name='notice_deliveries')
    op.drop_index('ix_notice_deliveries_due', table_name='notice_deliveries')
    op.drop_table('notice_deliveries')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('mobile')
