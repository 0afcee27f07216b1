"""requests: duplicates merged into one, hotline imports

A duplicate request closes as merged into the request about the same thing
(requests.merged_into_id, status 'merged'); its requester becomes a co-requester of that
request (request_co_requesters), told of its reply and closing and free to rate it once.
A request imported from the 12345 hotline's export keeps its ticket (requests.ticket, one
request per ticket) and its caller's name and number apart (request_callers).

Revision ID: c3e9a5d1f273
Revises: b2d8f4c0e162
Create Date: 2026-12-03 09:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'c3e9a5d1f273'
down_revision = 'b2d8f4c0e162'
branch_labels = None
depends_on = None

STATUSES = "'raised', 'dispatched', 'signed', 'waiting', 'replied', 'reopened', 'closed'"


def upgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_requests_ticket'), ['ticket'])
        batch_op.create_foreign_key(batch_op.f('fk_requests_merged_into_id_requests'),
                                    'requests', ['merged_into_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_requests_merged_into_id'), ['merged_into_id'],
                              unique=False)
        batch_op.drop_constraint(batch_op.f('ck_requests_status_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_requests_status_known'),
                                         f"status IN ({STATUSES}, 'merged')")
        batch_op.create_check_constraint(
            batch_op.f('ck_requests_merged_into_set'),
            "(status = 'merged') = (merged_into_id IS NOT NULL)")
        batch_op.create_check_constraint(
            batch_op.f('ck_requests_not_merged_into_itself'),
            "merged_into_id IS NULL OR merged_into_id <> id")
    op.create_table(
        'request_co_requesters',
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('merged_from_id', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('rating', sa.String(length=20), nullable=True),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('rated_round', sa.Integer(), nullable=True),
        sa.Column('rated_unit_id', sa.Integer(), nullable=True),
        sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')",
                           name=op.f('ck_request_co_requesters_rating_known')),
        sa.CheckConstraint("(rating IS NULL) = (rated_at IS NULL)",
                           name=op.f('ck_request_co_requesters_rated_at_set')),
        sa.ForeignKeyConstraint(['merged_from_id'], ['requests.id'],
                                name=op.f('fk_request_co_requesters_merged_from_id_requests')),
        sa.ForeignKeyConstraint(['rated_unit_id'], ['request_units.id'],
                                name=op.f('fk_request_co_requesters_rated_unit_id_request_units')),
        sa.ForeignKeyConstraint(['request_id'], ['requests.id'],
                                name=op.f('fk_request_co_requesters_request_id_requests')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_request_co_requesters_user_id_users')),
        sa.PrimaryKeyConstraint('request_id', 'user_id', name=op.f('pk_request_co_requesters')),
    )
    op.create_index('ix_request_co_requesters_rated', 'request_co_requesters', ['rated_at'],
                    unique=False)
    op.create_index(op.f('ix_request_co_requesters_user_id'), 'request_co_requesters',
                    ['user_id'], unique=False)
    op.create_table(
        'request_callers',
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['requests.id'],
                                name=op.f('fk_request_callers_request_id_requests')),
        sa.PrimaryKeyConstraint('request_id', name=op.f('pk_request_callers')),
    )


def downgrade() -> None:
    # A merged duplicate has no place in the old schema: it reads as closed (its history
    # still says into which request it was merged); tickets, callers and co-requesters go.
    op.drop_table('request_callers')
    op.drop_index(op.f('ix_request_co_requesters_user_id'), table_name='request_co_requesters')
    op.drop_index('ix_request_co_requesters_rated', table_name='request_co_requesters')
    op.drop_table('request_co_requesters')
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_requests_not_merged_into_itself'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_requests_merged_into_set'), type_='check')
    op.execute("UPDATE requests SET status = 'closed' WHERE status = 'merged'")
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_requests_status_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_requests_status_known'),
                                         f"status IN ({STATUSES})")
        batch_op.drop_index(batch_op.f('ix_requests_merged_into_id'))
        batch_op.drop_constraint(batch_op.f('fk_requests_merged_into_id_requests'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_requests_ticket'), type_='unique')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('ticket')
