"""requests: duplicates merged into one, hotline imports

Revision ID: c3e9a5d1f273
Revises: b2d8f4c0e162
Create Date: 2026-12-03 09:20:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'c3e9a5d1f273'
down_revision = 'b2d8f4c0e162'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
