"""holiday_arrangements: a year's public holidays and make-up workdays entered by an administrator

Revision ID: b5d1e7f3a209
Revises: a8c4e6f20d13
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'b5d1e7f3a209'
down_revision = 'a8c4e6f20d13'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
