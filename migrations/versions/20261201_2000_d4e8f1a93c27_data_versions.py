"""data_versions: the counter every committed write raises, so cached pages know they are old

Revision ID: d4e8f1a93c27
Revises: c3d9e5f72b16
Create Date: 2026-12-01 20:00:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = 'd4e8f1a93c27'
down_revision = 'c3d9e5f72b16'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'data_versions',
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_data_versions')),
    )
    op.get_bind().execute(
        sa.text("INSERT INTO data_versions (scope, version, token, changed_at) "
                "VALUES ('site', 1, :token, CURRENT_TIMESTAMP)"),
        {"token": secrets.token_hex(8)})


def downgrade() -> None:
    op.drop_table('data_versions')
