"""mobile accounts: one person, one confirmed mobile number; one-time sign-in codes; the
community's roster of residents; assisted accounts

Revision ID: d4f0b6e2a384
Revises: c3e9a5d1f273
Create Date: 2026-12-03 09:30:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'd4f0b6e2a384'
down_revision = 'c3e9a5d1f273'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
