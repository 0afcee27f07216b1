"""proposals: one index for the list's usual filter; PostgreSQL keeps each search vector

The count and the page of a filtered list read the index alone, in any of the list's three
orders, instead of fetching every proposal of the category to test its place.

On PostgreSQL the search vector is a stored generated column with the GIN index on it (in
place of the index on the expression): a list that walks the date index for a common word
(proposals/collection/queries.py) then tests each row's stored vector, where the expression
had to parse the row's text again (1 ms for a page instead of 70 at 100,000 proposals).

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
    # The newest-first order whole (created_at, then id), so a walk for a common word stops
    # after its page instead of sorting every match.
    op.drop_index('ix_proposals_visible_created', table_name='proposals')
    op.create_index('ix_proposals_visible_created', 'proposals', ['hidden', 'created_at', 'id'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE proposals ADD COLUMN IF NOT EXISTS search_vector tsvector"
                   " GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED")
        op.execute("CREATE INDEX IF NOT EXISTS ix_proposals_search_vector ON proposals"
                   " USING gin (search_vector)")
        op.execute("DROP INDEX IF EXISTS ix_proposals_search")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE INDEX IF NOT EXISTS ix_proposals_search ON proposals"
                   " USING gin (to_tsvector('simple', search_text))")
        op.execute("ALTER TABLE proposals DROP COLUMN IF EXISTS search_vector")
    op.drop_index('ix_proposals_visible_created', table_name='proposals')
    op.create_index('ix_proposals_visible_created', 'proposals', ['hidden', 'created_at'])
    op.drop_index('ix_proposals_filter', table_name='proposals')
