"""A list of many proposals: counted up to a cap, paged by key, searched newest first.

The plans chosen for a long list (a capped count, the page's keys first, SQLite walking the
date index for a common word) must show exactly what the plain plan shows.
"""

from sqlalchemy import select

from proposals.collection.models import Proposal
from proposals.collection.queries import ProposalFilter, proposals_query
from proposals.collection.services import cosign
from votes.people import Role


def _titles(page: str, titles: list[str]) -> list[str]:
    found = [t for t in titles if t in page]
    return sorted(found, key=page.index)


def test_a_list_longer_than_the_cap_says_so_and_pages_through_the_cap(app, client, resident,
                                                                       propose):
    app.config.update(PROPOSALS_COUNTED=5, PAGE_SIZE=2)
    titles = [f"第{i:02d}号加装电梯建议" for i in range(7)]
    for title in titles:
        propose(resident, title=title)
    first = client.get("/proposals").text
    assert "找到超过 5 条建议，此处列出前 5 条" in first or "More than 5 proposals found" in first
    assert "第 1 页，共 3 页" in first or "Page 1 of 3" in first
    assert _titles(first, titles) == ["第06号加装电梯建议", "第05号加装电梯建议"]
    # Past the cap's last page: the last page of the cap, never an error.
    last = client.get("/proposals", query_string={"page": 9}).text
    assert _titles(last, titles) == ["第02号加装电梯建议"]
    # A narrower choice under the cap is counted exactly.
    one = client.get("/proposals", query_string={"q": "第03号"}).text
    assert "找到 1 条建议" in one or "1 proposals found" in one


def test_a_list_under_the_cap_is_counted_exactly(app, client, resident, propose):
    app.config.update(PROPOSALS_COUNTED=5)
    for i in range(5):
        propose(resident, title=f"第{i}号建议")
    page = client.get("/proposals").text
    assert "找到 5 条建议" in page or "5 proposals found" in page
    assert "超过" not in page and "More than" not in page


def test_every_plan_lists_the_same_proposals_in_the_same_order(db, make_user, resident,
                                                                propose):
    lifts = [propose(resident, title=f"加装电梯第{i}号", category="housing") for i in range(6)]
    propose(resident, title="社区食堂建设", category="elderly_care")
    lifts[1].hidden = True
    for _ in range(3):
        cosign(db, make_user(Role.RESIDENT), lifts[2])
    db.commit()
    for sort in ("newest", "cosigns", "comments"):
        f = ProposalFilter(q="加装电梯", sort=sort)
        plain = db.scalars(proposals_query(db, f)).all()
        walked = db.scalars(proposals_query(db, f, many=True)).all()
        assert [p.id for p in walked] == [p.id for p in plain]
        assert lifts[1] not in plain and len(plain) == 5
    newest = db.scalars(proposals_query(db, ProposalFilter(q="加装电梯"), many=True)).all()
    assert newest == sorted(newest, key=lambda p: (p.created_at, p.id), reverse=True)


def test_the_page_by_key_keeps_the_order_and_loads_whole_rows(app, client, db, make_user,
                                                               resident, propose):
    app.config.update(PAGE_SIZE=3)
    made = [propose(resident, title=f"建议{i}号") for i in range(4)]
    for count, proposal in zip((2, 0, 3, 1), made, strict=True):
        for _ in range(count):
            cosign(db, make_user(Role.RESIDENT), proposal)
    db.commit()
    page = client.get("/proposals", query_string={"sort": "cosigns"}).text
    expected = [p.title for p in db.scalars(
        select(Proposal).order_by(Proposal.cosign_count.desc(), Proposal.id.desc()).limit(3))]
    assert _titles(page, [p.title for p in made]) == expected == ["建议2号", "建议0号", "建议3号"]
