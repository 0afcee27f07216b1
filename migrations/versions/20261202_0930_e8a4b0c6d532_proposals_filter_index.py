"""proposals: one index that answers the list's usual filter (cycle, category, place) whole

The count and the page of a filtered list read it alone, in any of the list's three orders,
instead of fetching every proposal of the category to test its place (flat at 100,000).

Revision ID: e8a4b0c6d532
Revises: d7f3a9b5c421
Create Date: 2026-12-02 09:30:00
"""

from alembic import op

revision = 'e8a4b0c6d532'
down_revision = 'd7f3a9b5c421'
branch_labels = None
depends_on = None

COLUMNS = ['cycle_id', 'category', 'community', 'hidden', 'created_at', 'cosign_count',
           'comment_count']


def upgrade() -> None:
    op.create_index('ix_proposals_filter', 'proposals', COLUMNS)


def downgrade() -> None:
    op.drop_index('ix_proposals_filter', table_name='proposals')
