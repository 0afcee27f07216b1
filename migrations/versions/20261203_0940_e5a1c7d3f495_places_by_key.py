"""places by key: proposals, councils, requests and projects point at their place

Revision ID: e5a1c7d3f495
Revises: d4f0b6e2a384
Create Date: 2026-12-03 09:40:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'e5a1c7d3f495'
down_revision = 'd4f0b6e2a384'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
