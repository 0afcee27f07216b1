"""paper_ballots: who took a paper ballot at the box, and the paper count entered after close

Revision ID: d7f3a9b5c421
Revises: c6e2f8a4b310
Create Date: 2026-12-02 09:20:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'd7f3a9b5c421'
down_revision = 'c6e2f8a4b310'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
