"""The main pages cost the same number of queries with 1,000 proposals as with 100,000.

Counts, not timings: a page that loads every row, or asks once per row, shows here as a
count that grows with the table, however fast the machine.
"""

from __future__ import annotations

import itertools

from sqlalchemy import func, insert, select

from proposals.collection.models import Proposal
from proposals.collection.text import search_document
from tests.functional.builders import community_place, statements_on

TITLES = ["老旧小区加装电梯", "社区食堂", "口袋公园", "停车位改造", "垃圾分类驿站",
          "四点半课堂", "适老化改造", "路灯更新", "雨污分流", "便民服务驿站"]
COMMUNITIES = ["和平社区", "幸福社区", "光明社区", "团结社区"]
CATEGORIES = ["housing", "elderly", "environment", "transport", "education"]


def grow(db, cycle, author, total: int) -> None:
    """Bring the cycle's proposals up to `total`, in bulk (the services' rules are not the
    point here; the rows are as the services write them)."""
    have = db.scalar(select(func.count()).select_from(Proposal))
    indexed = {t: search_document(t, f"{t}：居民反映的实际需要。") for t in TITLES}
    places = {name: community_place(db, name).id for name in COMMUNITIES}
    rows = []
    for i in range(have, total):
        title = TITLES[i % len(TITLES)]
        rows.append({
            "cycle_id": cycle.id, "title": title, "description": f"{title}：居民反映的实际需要。",
            "category": CATEGORIES[i % len(CATEGORIES)], "district": "测试区",
            "street": "长江街道", "community": COMMUNITIES[i % len(COMMUNITIES)],
            "place_id": places[COMMUNITIES[i % len(COMMUNITIES)]],
            "channel": "online", "proposer_id": author.id, "proposer_name": author.display_name,
            "entered_by_id": author.id, "status": "submitted", "search_text": indexed[title],
            "cosign_count": i % 7, "comment_count": 0})
    for start in range(0, len(rows), 10_000):
        db.execute(insert(Proposal), rows[start:start + 10_000])
    db.commit()



def pages(cycle, proposal_id):
    return ["/", "/proposals", "/proposals?q=加装电梯", "/proposals?category=housing&sort=cosigns",
            "/proposals?page=3", f"/proposals/{proposal_id}", "/cycles", f"/cycles/{cycle.id}",
            "/hot-topics", "/data"]


def costs(client, connection, paths) -> dict[str, int]:
    found = {}
    for path in paths:
        with statements_on(connection) as statements:
            answer = client.get(path)
        assert answer.status_code == 200, path
        found[path] = len(statements)
    return found


def test_the_main_pages_ask_as_often_with_100000_proposals_as_with_1000(
        client, db, connection, cycle, resident):
    grow(db, cycle, resident, 1_000)
    first = db.scalar(select(Proposal.id).order_by(Proposal.id))
    paths = pages(cycle, first)
    costs(client, connection, paths)  # warm: the first request of a session loads more
    small = costs(client, connection, paths)
    grow(db, cycle, resident, 100_000)
    assert db.scalar(select(func.count()).select_from(Proposal)) == 100_000
    large = costs(client, connection, paths)
    grown = {p: (small[p], large[p]) for p in paths if large[p] > small[p]}
    assert grown == {}, "pages whose queries grow with the table: (1,000 → 100,000)"
    assert all(n > 0 for n in itertools.chain(small.values(), large.values()))
