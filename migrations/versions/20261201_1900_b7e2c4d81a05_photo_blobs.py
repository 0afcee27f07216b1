"""photo blobs: photos kept in the database, so every app server sees them

Revision ID: b7e2c4d81a05
Revises: a4c8e2f61b93
Create Date: 2026-12-01 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'b7e2c4d81a05'
down_revision = 'a4c8e2f61b93'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Photos kept as files before stay where they are: DatabaseStore still finds them there.
    op.create_table('photo_blobs',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_photo_blobs'))
    )


def downgrade() -> None:
    op.drop_table('photo_blobs')
