"""places by key: proposals, councils, requests and projects point at their place

Users, proposals, requests and councils point at their community by key, projects at the
place they serve; the names they kept so far stay beside the key as labels. Every
community named by text has a record since a1c7e3b9d051; one named since (a request's,
say) is made the same way, under 本区 / 未分街道, for the admin to rename and re-file.

Revision ID: e5a1c7d3f495
Revises: d4f0b6e2a384
Create Date: 2026-12-03 09:40:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from app.migrate import create_search_index, drop_search_index

revision = 'e5a1c7d3f495'
down_revision = 'd4f0b6e2a384'
branch_labels = None
depends_on = None

# (table, whether every row must have a place once filled)
KEYED = (('users', False), ('proposals', True), ('requests', True), ('councils', True),
         ('projects', False))

# A row whose community was left blank (no service ever allowed it) gets one to point at.
BLANK = '未填社区'

places = sa.table('places', sa.column('id', sa.Integer), sa.column('level', sa.String),
                  sa.column('code', sa.String), sa.column('name', sa.String),
                  sa.column('parent_id', sa.Integer),
                  sa.column('created_at', sa.DateTime(timezone=True)))


def upgrade() -> None:
    # Migrations run with SQLite's foreign keys off (migrations/env.py), so the batch
    # rebuilds below delete nothing that points at these tables. Rebuilding `proposals` on
    # SQLite drops the triggers of its full-text index: made again at the end.
    _without_search_index()
    for table, _ in KEYED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('place_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_place_id_places'), 'places', ['place_id'], ['id'],
                ondelete='SET NULL' if table == 'users' else None)
    _fill_keys()
    for table, required in KEYED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if required:
                batch_op.alter_column('place_id', existing_type=sa.Integer(), nullable=False)
            if table == 'councils':
                batch_op.create_unique_constraint(batch_op.f('uq_councils_place_id'),
                                                  ['place_id'])
            else:
                batch_op.create_index(batch_op.f(f'ix_{table}_place_id'), ['place_id'],
                                      unique=False)
    _with_search_index()


def _without_search_index() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        drop_search_index(op)


def _with_search_index() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        create_search_index(op)


def _fill_keys() -> None:
    bind = op.get_bind()
    ids = _communities(bind)
    for table in ('users', 'proposals', 'requests', 'councils'):
        rows = sa.table(table, sa.column('community', sa.String),
                        sa.column('place_id', sa.Integer))
        for text in _named(bind, table):
            place = ids.get(_name(text))
            if place is not None:
                bind.execute(rows.update().where(rows.c.community == text)
                             .values(place_id=place))
    _fill_projects(bind)


def _named(bind, table: str) -> list[str]:
    """The community texts of a table; an account's blank one names nothing."""
    column = sa.table(table, sa.column('community', sa.String)).c.community
    texts = bind.execute(sa.select(column).distinct().where(column.is_not(None))).scalars()
    return [t for t in texts if table != 'users' or t.strip()]


def _name(text: str) -> str:
    return text.strip()[:40] or BLANK


def _communities(bind) -> dict[str, int]:
    """Every community's id by name, after adding those named by text and missing."""
    found = dict(bind.execute(sa.select(places.c.name, places.c.id)
                              .where(places.c.level == 'community')).all())
    named = {text for table in ('users', 'proposals', 'requests', 'councils')
             for text in _named(bind, table)}
    missing = sorted({_name(n) for n in named} - set(found))
    if not missing:
        return found
    street = _unfiled_street(bind)
    codes = set(bind.execute(sa.select(places.c.code)).scalars())
    n = 0
    now = datetime.now(UTC)
    for name in missing:
        n += 1
        while f'C{n:04d}' in codes:
            n += 1
        bind.execute(places.insert().values(level='community', code=f'C{n:04d}', name=name,
                                            parent_id=street, created_at=now))
        found[name] = bind.execute(sa.select(places.c.id).where(
            places.c.code == f'C{n:04d}')).scalar_one()
    return found


def _unfiled_street(bind) -> int:
    """未分街道 in 本区, as revision a1c7e3b9d051 made it, made now if it is not there."""
    now = datetime.now(UTC)
    codes = set(bind.execute(sa.select(places.c.code)).scalars())

    def free(code: str) -> str:
        n, chosen = 0, code
        while chosen in codes:
            n += 1
            chosen = f'{code}-{n}'
        codes.add(chosen)
        return chosen

    district = bind.execute(sa.select(places.c.id).where(
        places.c.level == 'district', places.c.name == '本区')).scalar()
    if district is None:
        code = free('D0')
        bind.execute(places.insert().values(level='district', code=code, name='本区',
                                            parent_id=None, created_at=now))
        district = bind.execute(sa.select(places.c.id).where(places.c.code == code)).scalar()
    street = bind.execute(sa.select(places.c.id).where(
        places.c.parent_id == district, places.c.name == '未分街道')).scalar()
    if street is None:
        code = free('S0')
        bind.execute(places.insert().values(level='street', code=code, name='未分街道',
                                            parent_id=district, created_at=now))
        street = bind.execute(sa.select(places.c.id).where(places.c.code == code)).scalar()
    return street


def _fill_projects(bind) -> None:
    """A project serves its source proposals' community when they share one, else their
    street, else their district (proposals.implementation.services.project_place)."""
    parents = dict(bind.execute(sa.select(places.c.id, places.c.parent_id)).all())

    def lineage(place: int) -> list[int]:
        found = []
        while place is not None and place not in found:
            found.append(place)
            place = parents.get(place)
        return found

    sources: dict[int, list[int]] = {}
    for project, place in bind.execute(sa.text(
            'SELECT projects.id, proposals.place_id FROM projects'
            ' JOIN candidate_sources ON candidate_sources.candidate_id = projects.candidate_id'
            ' JOIN proposals ON proposals.id = candidate_sources.proposal_id'
            ' WHERE proposals.place_id IS NOT NULL ORDER BY projects.id, proposals.id')):
        sources.setdefault(project, []).append(place)
    projects = sa.table('projects', sa.column('id', sa.Integer),
                        sa.column('place_id', sa.Integer))
    for project, found in sources.items():
        shared = lineage(found[0])
        for other in found[1:]:
            above = set(lineage(other))
            shared = [p for p in shared if p in above]
        if shared:
            bind.execute(projects.update().where(projects.c.id == project)
                         .values(place_id=shared[0]))


def downgrade() -> None:
    _without_search_index()
    for table, _ in reversed(KEYED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == 'councils':
                batch_op.drop_constraint(batch_op.f('uq_councils_place_id'), type_='unique')
            else:
                batch_op.drop_index(batch_op.f(f'ix_{table}_place_id'))
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_place_id_places'),
                                     type_='foreignkey')
            batch_op.drop_column('place_id')
    _with_search_index()
