"""assisted entries: what staff enter for a resident waits for the resident's code

Revision ID: f6b2d8e4a5b6
Revises: e5a1c7d3f495
Create Date: 2026-12-03 09:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'f6b2d8e4a5b6'
down_revision = 'e5a1c7d3f495'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'assisted_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('proposal_id', sa.Integer(), nullable=True),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('level', sa.String(length=30), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_assisted_entries_entered_by_id_users')),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE',
                                name=op.f('fk_assisted_entries_project_id_projects')),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], ondelete='CASCADE',
                                name=op.f('fk_assisted_entries_proposal_id_proposals')),
        sa.ForeignKeyConstraint(['resident_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_assisted_entries_resident_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assisted_entries')),
    )
    op.create_index('ix_assisted_entries_proposal', 'assisted_entries',
                    ['proposal_id', 'kind', 'state'], unique=False)
    op.create_index('ix_assisted_entries_resident_state', 'assisted_entries',
                    ['resident_id', 'state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_assisted_entries_resident_state', table_name='assisted_entries')
    op.drop_index('ix_assisted_entries_proposal', table_name='assisted_entries')
    op.drop_table('assisted_entries')
