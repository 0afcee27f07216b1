"""hall_tablets: tablets enrolled for a ballot, and delegates' one-time hall card codes

Revision ID: c6e2f8a4b310
Revises: b5d1e7f3a209
Create Date: 2026-12-02 09:10:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'c6e2f8a4b310'
down_revision = 'b5d1e7f3a209'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
