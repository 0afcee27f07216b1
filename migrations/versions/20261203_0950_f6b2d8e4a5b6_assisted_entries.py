"""assisted entries: what staff enter for a resident waits for the resident's code

Revision ID: f6b2d8e4a5b6
Revises: e5a1c7d3f495
Create Date: 2026-12-03 09:50:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'f6b2d8e4a5b6'
down_revision = 'e5a1c7d3f495'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
