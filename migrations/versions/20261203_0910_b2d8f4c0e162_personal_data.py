"""personal data: consent at registration, deleted accounts

Revision ID: b2d8f4c0e162
Revises: a1c7e3b9d051
Create Date: 2026-12-03 09:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'b2d8f4c0e162'
down_revision = 'a1c7e3b9d051'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (nullable, allowed on SQLite): a batch rebuild of users would have
    # to drop the table every other table points at.
    op.add_column('users', sa.Column('consented_at', sa.DateTime(timezone=True),
                                     nullable=True))
    op.add_column('users', sa.Column('consent_version', sa.String(length=20), nullable=True))
    op.add_column('users', sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    # A deleted account's ratings stay counted, linked to nobody.
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Ratings linked to nobody cannot be linked again; their counts in rating_counts stay.
    op.execute("DELETE FROM ratings WHERE user_id IS NULL")
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('consent_version')
        batch_op.drop_column('consented_at')
