"""Migration e5a1c7d3f495: the rows that named their place by text point at it by key.

Data written as the code before it wrote it (communities as text, projects with a free-text
location only) is migrated on SQLite and, when TEST_DATABASE_URL is PostgreSQL, on a
database of its own there.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import make_engine
from app.migrate import downgrade, upgrade

BEFORE, AFTER = "d4f0b6e2a384", "e5a1c7d3f495"
NAME = "test_places_migration"
NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'places.db'}"
        return
    server = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not server.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL is not PostgreSQL")
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {NAME}"))
    yield make_url(server).set(database=NAME).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)"))
    admin.dispose()


def insert(conn, table: str, **values) -> int:
    columns = ", ".join(values)
    marks = ", ".join(f":{key}" for key in values)
    # The tables and columns are the test's own names, never input.
    conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)  # noqa: S608
    return conn.execute(text(f"SELECT max(id) FROM {table}")).scalar()  # noqa: S608


def place(conn, level: str, code: str, name: str, parent: int | None) -> int:
    return insert(conn, "places", level=level, code=code, name=name, parent_id=parent,
                  created_at=NOW)


def user(conn, username: str, community: str | None) -> int:
    return insert(conn, "users", username=username, display_name=username, password_hash="!",
                  active=True, created_at=NOW, community=community)


def old_data(conn) -> dict[str, int]:
    """As the code before the keys wrote it; the places as revision a1c7e3b9d051 and an
    admin left them (和平社区 under 本区 / 未分街道, 幸福社区 and 江滨社区 filed properly)."""
    ids: dict[str, int] = {}
    unfiled = place(conn, "street", "S0", "未分街道", place(conn, "district", "D0", "本区", None))
    ids["和平社区"] = place(conn, "community", "C0001", "和平社区", unfiled)
    ids["长江街道"] = place(conn, "street", "900101001", "长江街道",
                        ids.setdefault("滨江区", place(conn, "district", "900101", "滨江区", None)))
    ids["幸福社区"] = place(conn, "community", "900101001001", "幸福社区", ids["长江街道"])
    ids["江滨社区"] = place(conn, "community", "900101001002", "江滨社区", ids["长江街道"])
    ids["resident"] = user(conn, "resident", "和平社区")
    ids["nowhere"] = user(conn, "nowhere", None)
    ids["blank"] = user(conn, "blank", "  ")
    official = ids["official"] = user(conn, "official", None)
    assembly = insert(conn, "assemblies", kind="congress", name="人大", area="滨江区",
                      term_start=date(2024, 1, 1), term_end=date(2028, 12, 31), created_at=NOW)
    cycle = insert(conn, "cycles", assembly_id=assembly, title="2027年度", year=2027,
                   stage="implementation", collection_starts=date(2027, 1, 1),
                   shortlist_starts=date(2027, 3, 1), ballot_starts=date(2027, 5, 1),
                   implementation_starts=date(2027, 7, 1), evaluation_starts=date(2027, 9, 1),
                   closes_on=date(2027, 11, 1), created_at=NOW)
    for key, community in (("p1", "和平社区"), ("p2", "幸福社区"), ("p3", "新村社区"),
                           ("p4", "和平社区"), ("p5", "江滨社区"), ("p6", "和平社区"),
                           ("p7", "幸福社区"), ("p8", "江滨社区")):
        ids[key] = insert(conn, "proposals", cycle_id=cycle, title=key, description=key,
                          category="housing", district="滨江区", street="长江街道",
                          community=community, channel="online", proposer_name="居民",
                          entered_by_id=official, status="adopted", created_at=NOW,
                          proposer_named=False, hidden=False, search_text=key,
                          cosign_count=0, comment_count=0)
    ids["r1"] = insert(conn, "requests", year=2026, seq=1, number="2026-000001", title="路灯",
                       description="不亮", category="public_safety", community="湖光社区",
                       urgency="normal", channel="online", entered_by_id=official,
                       status="raised", raised_at=NOW, round=0, supervised=False)
    ids["council"] = insert(conn, "councils", name="和平社区居民议事会", community="和平社区",
                            area="滨江区", size=5, quorum_num=1, quorum_den=2, created_at=NOW)
    # Projects from one community's proposals, one street's, two districts', one alone.
    for key, sources in (("k1", ("p1", "p4")), ("k2", ("p2", "p5")), ("k3", ("p6", "p7")),
                         ("k4", ("p8",))):
        candidate = insert(conn, "candidates", cycle_id=cycle, title=key, description=key,
                           responsible_unit="区住建委", estimated_cost=100, funding_source="区级",
                           policy_basis="", feasibility="", expected_completion=date(2027, 10, 1),
                           location="长江街道", created_by_id=official, created_at=NOW,
                           withdrawn=False)
        for source in sources:
            conn.execute(text("INSERT INTO candidate_sources (proposal_id, candidate_id)"
                              " VALUES (:p, :c)"), {"p": ids[source], "c": candidate})
        ids[key] = insert(conn, "projects", cycle_id=cycle, candidate_id=candidate, title=key,
                          responsible_unit="区住建委", lead_official_id=official,
                          category="housing", location="长江街道", budget=100,
                          start_date=date(2027, 7, 1), target_date=date(2027, 10, 1),
                          progress_mode="milestones", manual_progress=0,
                          report_interval_days=30, rectifying=False, created_by_id=official,
                          created_at=NOW)
    return ids


def keys(conn, table: str) -> dict[int, int | None]:
    return dict(conn.execute(text(f"SELECT id, place_id FROM {table}")).all())  # noqa: S608


def test_every_row_points_at_its_place_and_a_project_at_what_its_proposals_share(
        database_url):
    upgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    with engine.begin() as conn:
        ids = old_data(conn)
    upgrade(database_url, AFTER)
    with engine.connect() as conn:
        named = dict(conn.execute(text(
            "SELECT name, id FROM places WHERE level = 'community'")).all())
        unfiled = conn.execute(text("SELECT parent_id FROM places WHERE name = '新村社区'"
                                    )).scalar()
        users, proposals = keys(conn, "users"), keys(conn, "proposals")
        requests, councils, projects = (keys(conn, "requests"), keys(conn, "councils"),
                                        keys(conn, "projects"))
        labels = conn.execute(text("SELECT community, street FROM proposals WHERE id = :id"),
                              {"id": ids["p3"]}).one()
    engine.dispose()
    # The communities named by text alone are made, under 本区 / 未分街道 as before.
    assert {"新村社区", "湖光社区"} <= set(named)
    assert unfiled == conn_street(database_url, "未分街道")
    assert users == {ids["resident"]: named["和平社区"], ids["nowhere"]: None,
                     ids["blank"]: None, ids["official"]: None}
    assert proposals == {ids[f"p{n}"]: named[name] for n, name in enumerate(
        ("和平社区", "幸福社区", "新村社区", "和平社区", "江滨社区", "和平社区", "幸福社区",
         "江滨社区"), start=1)}
    assert tuple(labels) == ("新村社区", "长江街道")  # the labels are kept as they were
    assert requests == {ids["r1"]: named["湖光社区"]}
    assert councils == {ids["council"]: named["和平社区"]}
    assert projects == {ids["k1"]: named["和平社区"], ids["k2"]: ids["长江街道"],
                        ids["k3"]: None, ids["k4"]: named["江滨社区"]}

    # Down and up again: the keys go, and come back the same.
    downgrade(database_url, BEFORE)
    upgrade(database_url, AFTER)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert keys(conn, "proposals") == proposals and keys(conn, "projects") == projects
    engine.dispose()


def conn_street(database_url: str, name: str) -> int:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT id FROM places WHERE name = :n"), {"n": name}).scalar()
    engine.dispose()
    return found
