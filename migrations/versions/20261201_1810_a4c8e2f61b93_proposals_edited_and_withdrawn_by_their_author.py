"""proposals edited and withdrawn by their author; notices name the comment they are about

A resident may edit or withdraw their own proposal while collection is open: each earlier
text is kept in proposal_versions, and the proposal records its last edit and withdrawal.
The notices of a reply, a comment and a hidden comment now carry the comment's id in their
params, so they link to it; older notices get the best guess below.

Revision ID: a4c8e2f61b93
Revises: 3e366d992588
Create Date: 2026-12-01 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'a4c8e2f61b93'
down_revision = '3e366d992588'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'proposal_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=80), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('district', sa.String(length=40), nullable=False),
        sa.Column('street', sa.String(length=40), nullable=False),
        sa.Column('community', sa.String(length=40), nullable=False),
        sa.Column('beneficiaries', sa.Integer(), nullable=True),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'],
                                name=op.f('fk_proposal_versions_proposal_id_proposals'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_versions')),
        sa.UniqueConstraint('proposal_id', 'number',
                            name=op.f('uq_proposal_versions_proposal_id_number')),
    )
    # Plain ADD COLUMN, not batch mode: recreating `proposals` on SQLite would drop the
    # triggers that keep its full-text index (proposal_fts) in step.
    op.add_column('proposals', sa.Column('edited_at', sa.DateTime(timezone=True),
                                         nullable=True))
    op.add_column('proposals', sa.Column('withdrawn_at', sa.DateTime(timezone=True),
                                         nullable=True))
    op.add_column('proposals', sa.Column('withdrawn_reason', sa.String(length=500),
                                         nullable=True))
    _name_the_comments()


def _name_the_comments() -> None:
    """Older notices of a comment: the latest comment on the proposal written by then (for a
    reply or a comment, by someone else than the reader; for a hidden comment, by the reader
    and hidden). A notice with no such comment keeps linking to its proposal."""
    notifications = sa.table(
        'notifications', sa.column('id', sa.Integer), sa.column('user_id', sa.Integer),
        sa.column('kind', sa.String), sa.column('proposal_id', sa.Integer),
        sa.column('params', sa.JSON), sa.column('created_at', sa.DateTime(timezone=True)))
    comments = sa.table(
        'comments', sa.column('id', sa.Integer), sa.column('proposal_id', sa.Integer),
        sa.column('author_id', sa.Integer), sa.column('hidden', sa.Boolean),
        sa.column('created_at', sa.DateTime(timezone=True)))
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(notifications).where(
            notifications.c.kind.in_(('reply', 'comment', 'hidden_comment')),
            notifications.c.proposal_id.is_not(None))
    ).all()
    for row in rows:
        params = dict(row.params or {})
        if 'comment' in params:
            continue
        if row.kind == 'hidden_comment':
            whose = sa.and_(comments.c.author_id == row.user_id, comments.c.hidden.is_(True))
        else:
            whose = comments.c.author_id != row.user_id
        found = conn.scalar(
            sa.select(comments.c.id).where(
                comments.c.proposal_id == row.proposal_id, whose,
                comments.c.created_at <= row.created_at)
            .order_by(comments.c.created_at.desc(), comments.c.id.desc()).limit(1))
        if found is not None:
            conn.execute(sa.update(notifications).where(notifications.c.id == row.id)
                         .values(params={**params, 'comment': found}))


def downgrade() -> None:
    # The notices keep their comment ids: an unknown param is ignored by the older code.
    op.drop_column('proposals', 'withdrawn_reason')
    op.drop_column('proposals', 'withdrawn_at')
    op.drop_column('proposals', 'edited_at')
    op.drop_table('proposal_versions')
