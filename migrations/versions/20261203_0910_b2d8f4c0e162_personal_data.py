"""personal data: consent at registration, deleted accounts

Revision ID: b2d8f4c0e162
Revises: a1c7e3b9d051
Create Date: 2026-12-03 09:10:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'b2d8f4c0e162'
down_revision = 'a1c7e3b9d051'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
