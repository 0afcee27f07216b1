"""account_sessions: each sign-in a session of its own, ended on its own; one-time reset codes

Revision ID: f9b5c1d7e643
Revises: e8a4b0c6d532
Create Date: 2026-12-02 09:40:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'f9b5c1d7e643'
down_revision = 'e8a4b0c6d532'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
