"""Results people read: adopted first, in rank order, then the rest, ranks reading 1, 2, 3…;
and a plain-words page on how to check the count, beside the standalone verifier."""

import re
from pathlib import Path

from app.ballots.results import reading_order
from tests.functional.builders import cast_all, new_ballot, unlock_all
from votes.closing import close_ballot, publish_ballot
from votes.rules import BallotRules

ROOT = Path(__file__).resolve().parents[3]


def table_rows(page):
    """(rank, title) of each row of the result table, top to bottom."""
    table = page[page.index('<table class="chart-data list">'):]
    table = table[:table.index("</table>")]
    return re.findall(r'data-label="Rank">([^<]*)</td>\s*<th scope="row">(?:<bdi>)?([^<]+)',
                      table)


def counted(db, official, assembly, delegates, *, publish=True):
    """Five candidates on the ballot in an order unlike their votes; 2 seats and a budget that
    skips the second most voted once the first is adopted."""
    ballot = new_ballot(db, official, assembly, options=5,
                        rules=BallotRules(seats=2, budget_cap=500),
                        costs=[50, 100, 450, 100, 100])
    one, two, three, four, _ = (o.id for o in ballot.options)
    # yes votes: 1 → 3, 2 → 1, 3 → 5, 4 → 4, 5 → 0; 5 entitled, so 3 pass.
    marks = [{one: "yes", two: "yes", three: "yes", four: "yes"},
             {one: "yes", three: "yes", four: "yes"}, {one: "yes", three: "yes", four: "yes"},
             {three: "yes", four: "yes"}, {three: "yes"}]
    cast_all(db, ballot, delegates, lambda i: marks[i])
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    if publish:
        publish_ballot(db, official, ballot)
    db.commit()
    return ballot


def test_the_public_result_lists_the_adopted_first_with_ranks_reading_1_2_3(
        english, client, db, official, assembly, delegates):
    ballot = counted(db, official, assembly, delegates)
    # 3 (5 yes, 450) is adopted; 4 (4 yes) no longer fits the 50 left; 1 (3 yes, 50) does.
    page = client.get(f"/ballots/{ballot.id}").text
    assert table_rows(page) == [
        ("1", "民生项目3"), ("2", "民生项目1"), ("3", "民生项目4"), ("—", "民生项目2"),
        ("—", "民生项目5")]


def test_adopted_come_first_then_the_rest_in_rank_order():
    rows = [
        {"id": 1, "yes": 3, "passed": True, "rank": 3, "status": "adopted"},
        {"id": 2, "yes": 1, "passed": False, "rank": None, "status": "failed"},
        {"id": 3, "yes": 5, "passed": True, "rank": 1, "status": "skipped_budget"},
        {"id": 4, "yes": 4, "passed": True, "rank": 2, "status": "adopted"},
        {"id": 5, "yes": 2, "passed": False, "rank": None, "status": "failed"},
        {"id": 6, "yes": 3, "passed": True, "rank": 3, "status": "passed_not_adopted"},
    ]
    ordered = reading_order(rows, adopted=[4, 1])
    assert [r["id"] for r in ordered] == [4, 1, 3, 6, 5, 2]
    assert [r["place"] for r in ordered] == [1, 2, 3, 4, None, None]
    tied = reading_order([{"id": 1, "yes": 4, "passed": True, "rank": 1},
                          {"id": 2, "yes": 4, "passed": True, "rank": 1},
                          {"id": 3, "yes": 2, "passed": True, "rank": 3}], adopted=[1, 2, 3])
    assert [r["place"] for r in tied] == [1, 1, 3]


def test_the_desk_reads_the_same_order(english, client, db, login, official, assembly,
                                       delegates):
    ballot = counted(db, official, assembly, delegates, publish=False)
    login(official)
    desk = client.get(f"/official/ballots/{ballot.id}").text
    public = client.get(f"/ballots/{ballot.id}").text
    assert table_rows(desk) == table_rows(public)


def test_how_to_check_this_count_in_plain_words(english, client, db, official, assembly,
                                                delegates):
    ballot = counted(db, official, assembly, delegates)
    result = client.get(f"/ballots/{ballot.id}").text
    assert f'href="/ballots/{ballot.id}/check"' in result
    assert "run scripts/verify_bulletin.py" not in result
    page = client.get(f"/ballots/{ballot.id}/check")
    assert page.status_code == 200
    text = page.text
    assert "How to check this count" in text and "Check the count in this browser" in text
    assert '/static/js/verify-bulletin.js' in text and "<script>" not in text
    assert f'data-bulletin="/ballots/{ballot.id}/bulletin.json"' in text
    digest = re.search(r'data-digest="([0-9a-f]{64})"', text).group(1)
    assert f"--digest {digest}" in text and "python3 verify_bulletin.py" in text
    script = client.get("/ballots/verify_bulletin.py")
    assert script.status_code == 200
    assert script.data == (ROOT / "scripts" / "verify_bulletin.py").read_bytes()
    js = client.get("/static/js/verify-bulletin.js")
    assert js.status_code == 200 and b"http" not in js.data.replace(b"HTTP ", b"")  # no CDN
    js.close()
    zh = client.get(f"/ballots/{ballot.id}/check", headers={"Accept-Language": "zh"})
    assert zh.status_code == 200 and 'lang="zh-Hans"' in zh.text


def test_before_publication_the_check_page_says_when_it_will_work(
        english, client, db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)
    page = client.get(f"/ballots/{ballot.id}/check").text
    assert "Once the result is published" in page and "verify-bulletin.js" not in page
    draft = new_ballot(db, official, assembly, opened=False)
    assert client.get(f"/ballots/{draft.id}/check").status_code == 404
