"""Public pages cached per language and data version: fast for readers, never stale.

The last test runs two app servers on one database file and one Redis, as the reference
deployment does (docs/deploy.md), and reads each after every write made through the other.
"""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from datetime import date

import pytest
import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import create_app
from app.auth.passwords import hash_password
from app.caching import CACHED, LIVE
from app.db import make_engine
from app.migrate import upgrade
from proposals.collection.models import Proposal
from proposals.collection.services import ProposalDraft, submit_proposal
from proposals.cycles.services import create_cycle
from tests.conftest import PASSWORD, environ_for
from tests.functional.builders import DATES, community_place, statements_on
from votes import versions
from votes.people import Assembly, Role, register_user

COUNT = re.compile(r'<dd id="cosign-count">(\d+)</dd>')



@pytest.fixture
def cached(make_app):
    return make_app(PAGE_CACHE=True)


@pytest.fixture
def visitor(cached):
    return cached.test_client()


def cosigned(count_page: str) -> int:
    found = COUNT.search(count_page)
    assert found, "no co-sign count on the page"
    return int(found.group(1))


def test_every_cached_endpoint_is_a_public_get_route(cached):
    routes = {rule.endpoint: rule.methods for rule in cached.url_map.iter_rules()}
    for endpoint in CACHED | LIVE:
        assert endpoint in routes, endpoint
        assert "GET" in routes[endpoint]
    assert not CACHED & LIVE


def test_a_second_reader_is_served_from_the_cache_with_one_query(visitor, connection, propose,
                                                                resident):
    proposal = propose(resident)
    first = visitor.get(f"/proposals/{proposal.id}")
    assert first.status_code == 200 and "老旧小区加装电梯" in first.text
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "Cookie" in first.headers["Vary"]
    with statements_on(connection) as statements:
        second = visitor.get(f"/proposals/{proposal.id}")
    assert second.text == first.text
    assert second.headers["ETag"] == first.headers["ETag"]
    queries = [s for s in statements if "SAVEPOINT" not in s]  # the test's own transaction
    assert len(queries) == 1 and "data_versions" in queries[0]
    # The security headers are sent with a cached page as with a fresh one.
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_a_reader_who_has_the_page_gets_304_until_someone_writes(visitor, client, login,
                                                                 make_user, propose, resident):
    proposal = propose(resident)
    page = visitor.get(f"/proposals/{proposal.id}")
    etag = page.headers["ETag"]
    again = visitor.get(f"/proposals/{proposal.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert cosigned(page.text) == 0

    neighbour = make_user(Role.RESIDENT, name="邻居")
    signed_in = visitor.application.test_client()
    signed_in.post("/account/login", data={"username": neighbour.username, "password": PASSWORD})
    signed_in.post(f"/resident/proposals/{proposal.id}/cosign")

    fresh = visitor.get(f"/proposals/{proposal.id}", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] != etag
    assert cosigned(fresh.text) == 1


def test_each_language_is_kept_apart(visitor, propose, resident):
    proposal = propose(resident)
    chinese = visitor.get(f"/proposals/{proposal.id}")
    english = visitor.application.test_client()
    english.get("/lang/en")
    english.get(f"/proposals/{proposal.id}")  # Flask-Login marks the new session once
    shown = english.get(f"/proposals/{proposal.id}")
    assert "附议" in chinese.text and "Co-signs" in shown.text
    assert shown.headers["ETag"] != chinese.headers["ETag"]
    assert "附议" in visitor.get(f"/proposals/{proposal.id}").text


def test_signed_in_people_get_their_own_page_never_a_cached_one(visitor, propose, resident):
    proposal = propose(resident)
    visitor.get(f"/proposals/{proposal.id}")  # the anonymous page, now in the cache
    signed_in = visitor.application.test_client()
    signed_in.post("/account/login", data={"username": resident.username, "password": PASSWORD})
    page = signed_in.get(f"/proposals/{proposal.id}")
    assert resident.display_name in page.text
    assert "ETag" not in page.headers
    assert "public" not in page.headers.get("Cache-Control", "")


def test_a_page_with_a_flashed_message_is_not_kept(visitor, cached, propose, resident):
    proposal = propose(resident)
    with visitor.session_transaction() as session:
        session["_flashes"] = [("info", "只给这一位读者的消息")]
    shown = visitor.get(f"/proposals/{proposal.id}")
    assert "只给这一位读者的消息" in shown.text
    other = cached.test_client().get(f"/proposals/{proposal.id}")
    assert "只给这一位读者的消息" not in other.text


def test_every_committed_write_raises_the_data_version_and_a_refusal_does_not(
        db, client, login, make_user, propose, resident):
    proposal = propose(resident)
    neighbour = make_user(Role.RESIDENT)
    login(neighbour)
    db.expire_all()
    before = versions.current(db).number
    client.post(f"/resident/proposals/{proposal.id}/cosign")
    db.expire_all()
    assert versions.current(db).number == before + 1
    # A refused write (a second co-sign) changes nothing, the version included.
    client.post(f"/resident/proposals/{proposal.id}/cosign")
    db.expire_all()
    assert versions.current(db).number == before + 1


# --- two app servers, one database, one Redis ---------------------------------------------


@pytest.fixture
def shared(tmp_path):
    """A database file with a cycle and a proposal, and a Redis namespace of its own."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        admin = register_user(session, username="admin", display_name="管理员",
                              password_hash=hash_password(PASSWORD), roles=(Role.ADMIN,))
        author = register_user(session, username="author", display_name="王秀英",
                               password_hash=hash_password(PASSWORD), roles=(Role.RESIDENT,))
        neighbours = [register_user(session, username=f"n{i}", display_name=f"邻居{i}",
                                    password_hash=hash_password(PASSWORD),
                                    roles=(Role.RESIDENT,)) for i in range(6)]
        assembly = Assembly(kind="congress", name="测试区人大", area="测试区",
                            term_start=date(2024, 1, 1), term_end=date(2028, 12, 31))
        session.add(assembly)
        session.flush()
        cycle = create_cycle(session, admin, assembly=assembly, title="2027年度民生实事",
                             year=2027, dates=DATES)
        proposal = submit_proposal(session, author, cycle, ProposalDraft(
            title="社区食堂助餐点", description="老人吃饭难，希望社区办一个助餐点。",
            category="housing", community=community_place(session, "和平社区")))
        session.commit()
        names = [n.username for n in neighbours]
    yield url, proposal.id, names
    engine.dispose()


def server(tmp_path, name: str, url: str, redis_url: str | None):
    instance = tmp_path / name
    return create_app(
        overrides={"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1000 per minute",
                   "PAGE_CACHE": True, "DATABASE_URL": url, "REDIS_URL": redis_url,
                   "RATELIMIT_STORAGE_URI": redis_url or "memory://"},
        environ=environ_for(instance),
    )


@pytest.fixture
def redis_url():
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    client = redis.Redis.from_url(base)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {base}")
    yield base
    for key in client.scan_iter("yishi:page:*"):
        client.delete(key)


@pytest.mark.parametrize("store", ["redis", "per-process"])
def test_no_server_ever_serves_a_page_older_than_the_last_write(tmp_path, shared, store,
                                                                 redis_url):
    url, proposal_id, neighbours = shared
    if store == "redis":
        # A fresh key prefix per run: another run's pages in the same Redis cannot answer.
        os.environ["YISHI_RELEASE"] = uuid.uuid4().hex
    chosen = redis_url if store == "redis" else None
    try:
        a, b = server(tmp_path, "a", url, chosen), server(tmp_path, "b", url, chosen)
    finally:
        os.environ.pop("YISHI_RELEASE", None)
    servers = [a.test_client(), b.test_client()]
    readers = [a.test_client(), b.test_client()]
    page = f"/proposals/{proposal_id}"
    etags = [readers[0].get(page).headers["ETag"], readers[1].get(page).headers["ETag"]]
    if store == "redis":
        assert etags[0] == etags[1]  # one release, one version: one key for both servers

    for written, name in enumerate(neighbours, start=1):
        writer = servers[written % 2]
        writer.post("/account/login", data={"username": name, "password": PASSWORD})
        done = writer.post(f"/resident/proposals/{proposal_id}/cosign")
        assert done.status_code == 302
        writer.post("/account/logout")
        for reader in readers:  # the writer's own server and the other one
            assert cosigned(reader.get(page).text) == written
            listing = reader.get("/proposals?sort=cosigns")
            assert "社区食堂助餐点" in listing.text
            # A browser holding the page before the write must get the new one, not a 304.
            revalidated = reader.get(page, headers={"If-None-Match": etags[0]})
            assert revalidated.status_code == 200
        etags = [r.get(page).headers["ETag"] for r in readers]
        assert readers[0].get(page, headers={"If-None-Match": etags[0]}).status_code == 304

    engine = make_engine(url)
    with Session(engine) as session:
        stored = session.scalar(select(Proposal.cosign_count).where(Proposal.id == proposal_id))
    engine.dispose()
    assert stored == len(neighbours)


def test_a_restored_database_never_meets_pages_cached_from_another_history(tmp_path, shared,
                                                                           redis_url):
    """A backup restored (or a new database) counts its version from an old number again;
    the pages one Redis holds for that number in the other history must not answer."""
    url, proposal_id, neighbours = shared
    os.environ["YISHI_RELEASE"] = uuid.uuid4().hex
    try:
        first = server(tmp_path, "first", url, redis_url).test_client()
        page = f"/proposals/{proposal_id}"
        before = first.get(page)
        backup = tmp_path / "backup.db"
        with sqlite3.connect(tmp_path / "shared.db") as source, sqlite3.connect(backup) as copy:
            source.backup(copy)
        first.post("/account/login", data={"username": neighbours[0], "password": PASSWORD})
        first.post(f"/resident/proposals/{proposal_id}/cosign")
        first.post("/account/logout")
        first.get(page)  # shows the signed-out notice once, and is not kept
        ahead = first.get(page)
        assert cosigned(ahead.text) == 1

        # Restored from the backup, then a different write brings the count to the same
        # version number the lost history had reached.
        restored = server(tmp_path, "restored", f"sqlite:///{backup}", redis_url).test_client()
        assert cosigned(restored.get(page).text) == 0
        restored.post("/account/login", data={"username": neighbours[1], "password": PASSWORD})
        followed = restored.post(f"/proposals/{proposal_id}/follow")  # not a co-sign
        assert followed.status_code == 302
        restored.post("/account/logout")
        restored.get(page)
        shown = restored.get(page)
        assert cosigned(shown.text) == 0
        assert shown.headers["ETag"] != ahead.headers["ETag"]
        assert before.headers["ETag"] != ahead.headers["ETag"]
    finally:
        os.environ.pop("YISHI_RELEASE", None)


def test_delivering_a_notice_keeps_the_cached_pages(app, db, propose, resident, make_user):
    """The notice worker's records change no public page; the data version stays."""
    from proposals.collection.services import notify

    resident.email = "wang@example.org"  # one who is told by email
    proposal = propose(resident)
    notify(db, [resident.id], "comment", proposal, name="邻居")  # a notice is due
    db.commit()
    before = versions.current(db).number
    from app.notices.delivery import deliver_due

    sweep = deliver_due(app)
    db.expire_all()
    assert sweep.handled >= 1
    assert versions.current(db).number == before


def test_with_csrf_on_a_visitor_s_proposal_page_draws_no_token_and_is_kept(make_app, propose,
                                                                            resident):
    """Forms made for nobody would put a CSRF token in the visitor's session (a cookie),
    and a page that sets a cookie is never kept."""
    proposal = propose(resident)
    app = make_app(PAGE_CACHE=True, WTF_CSRF_ENABLED=True)
    visitor = app.test_client()
    first = visitor.get(f"/proposals/{proposal.id}")
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    assert first.headers.get("ETag")
    for path in ("/", "/proposals", "/projects", "/hot-topics", "/requests", "/councils"):
        shown = app.test_client().get(path)
        assert shown.status_code == 200, path
        assert "Set-Cookie" not in shown.headers and shown.headers.get("ETag"), path


def test_a_savepoint_undone_after_a_write_does_not_hide_the_write(app, propose, resident):
    """A service may try something in a SAVEPOINT and carry on when it fails (a counter row
    made at once by another): what was written before it must still raise the version."""
    from sqlalchemy import text

    from app.db import get_session

    proposal = propose(resident)
    with app.app_context():
        session = get_session()
        before = versions.current(session).number
        session.get(Proposal, proposal.id).title = "社区食堂（改）"
        session.flush()
        with pytest.raises(ValueError), session.begin_nested():
            session.execute(text("SELECT 1"))
            raise ValueError
        session.commit()
        assert versions.current(session).number == before + 1


def test_a_page_is_kept_by_each_process_and_shared_through_redis(tmp_path, shared, redis_url,
                                                                 caplog):
    """Server b finds a's page in Redis, then in its own memory; a page larger than a
    process's own budget is still served from Redis."""
    import json

    from cachetools import LRUCache

    url, proposal_id, _ = shared
    os.environ["YISHI_RELEASE"] = uuid.uuid4().hex
    try:
        a, b = server(tmp_path, "a", url, redis_url), server(tmp_path, "b", url, redis_url)
    finally:
        os.environ.pop("YISHI_RELEASE", None)
    page = f"/proposals/{proposal_id}"
    first = a.test_client().get(page)
    caplog.set_level("INFO", logger="yishi.requests")

    def served(app) -> tuple[str, bytes]:
        caplog.clear()
        body = app.test_client().get(page).data
        logged = [json.loads(r.getMessage()) for r in caplog.records if r.name == "yishi.requests"]
        return logged[-1]["cache"], body

    assert page not in "".join(b.extensions["yishi.local_pages"].keys())
    assert served(b) == ("hit", first.data)  # from Redis
    assert any(page in key for key in b.extensions["yishi.local_pages"].keys())
    assert served(b) == ("hit", first.data)  # from b's own memory
    b.extensions["yishi.local_pages"] = LRUCache(maxsize=100, getsizeof=lambda v: len(v[0]))
    assert served(b) == ("hit", first.data)  # too big to keep here: Redis still has it
    assert not b.extensions["yishi.local_pages"]


def test_signing_in_and_out_keeps_the_cached_pages(app, client, db, login, make_user):
    """A hall of delegates signing in must not empty the cache every reader is served from:
    no public page shows who is signed in."""
    person = make_user()
    before = versions.current(db).number
    login(person)
    client.post("/account/logout")
    db.expire_all()
    assert versions.current(db).number == before
    assert "/account/login" in client.get("/account/profile").headers.get("Location", "")
