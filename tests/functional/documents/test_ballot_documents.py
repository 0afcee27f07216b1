"""The ballot's result announcement (票决结果公告) and draft resolution (决议草案): the numbers
in each PDF are the published count's, and nothing is shown before publication."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.functional.builders import VOTING_DAY, cast_all, seat_delegates, tellers_for, unlock_all
from tests.functional.documents.reading import is_a4, read_pdf
from votes import closing
from votes.ballots import BallotResult
from votes.casting import create_ballot, open_ballot
from votes.closing import close_ballot, publish_ballot
from votes.rules import BallotRules

# Four candidates; five delegates; two seats. 项目乙 5 yes, 项目丙 4, 项目甲 3 (passes, no
# seat left), 项目丁 1 (fails: 3 of the 5 entitled are needed).
OPTIONS = [("项目甲", 3_000_000, "区住建委"), ("项目乙", 2_000_000, "区民政局"),
           ("项目丙", 1_500_000, "区教委"), ("项目丁", 1_000_000, "区水务局")]
PUBLISHED = datetime(2027, 3, 2, 1, 30, tzinfo=UTC)  # 09:30 in Beijing


def marks(i: int, ids: list[int]) -> dict[str, str]:
    yes_until = [3, 5, 4, 1]  # option k gets a yes from the first yes_until[k] voters
    d_rest = "abstain" if i in (1, 2) else "no"
    return {str(o): ("yes" if i < yes_until[k] else (d_rest if k == 3 else "no"))
            for k, o in enumerate(ids)}


def publish(db, official, ballot, voters, at=PUBLISHED):
    cast_all(db, ballot, voters, lambda i: marks(i, [o.id for o in ballot.options]))
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    publish_ballot(db, official, ballot)
    ballot.published_at = at  # the moment the number and the date are read from
    db.commit()
    return ballot


def new_cycle_ballot(db, official, cycle, title="2027年度测试区民生实事项目代表票决"):
    ballot = create_ballot(
        db, official, cycle.assembly, "cycle", cycle.id, title,
        BallotRules(seats=2, budget_cap=10_000_000),
        [{"title": t, "cost": cost, "unit": unit, "ref_id": 500 + k}
         for k, (t, cost, unit) in enumerate(OPTIONS)])
    open_ballot(db, official, ballot, on=VOTING_DAY, tellers=tellers_for(db, ballot))
    db.commit()
    return ballot


@pytest.fixture
def voters(db, assembly, admin, make_user):
    return seat_delegates(db, assembly, admin, make_user, 5)


@pytest.fixture
def published(db, official, cycle, voters):
    return publish(db, official, new_cycle_ballot(db, official, cycle), voters)


def test_the_announcement_lists_the_adopted_in_rank_order_with_the_published_counts(
        client, db, published):
    doc = read_pdf(client.get(f"/ballots/{published.id}/announcement.pdf"))
    assert is_a4(doc)
    result = closing.ballot_result(db, published)
    titles = {o.id: o.title for o in published.options}
    counted = {titles[r["id"]]: (r["yes"], r["no"], r["abstain"]) for r in result["rows"]}
    assert counted == {"项目甲": (3, 2, 0), "项目乙": (5, 0, 0), "项目丙": (4, 1, 0),
                       "项目丁": (1, 2, 2)}

    rows = doc.count_rows()
    adopted = [r for r in rows if r[6] is None]
    assert [r[1] for r in adopted] == ["项目乙", "项目丙"]  # rank order, as adopted
    assert [r[0] for r in adopted] == ["1", "2"]
    for _place, title, yes, no, abstain, _budget, _outcome in rows:
        assert (int(yes), int(no), int(abstain)) == counted[title]
    assert {r[1]: r[6] for r in rows if r[6]} == {"项目甲": "名额已满", "项目丁": "未获通过"}
    assert {r[1]: r[5] for r in rows} == {"项目甲": "300万元", "项目乙": "200万元",
                                          "项目丙": "150万元", "项目丁": "100万元"}

    flat = doc.flat
    assert "应到代表5名，实到5名，收回选票5张" in flat
    assert "即不少于3票" in flat and result["rows"][0]["needed"] == 3  # the pass line
    assert "入选项目不超过2个，预算合计不超过1000万元" in flat
    assert "入选项目共2个，预算合计350万元" in flat
    digest = db.get(BallotResult, published.id).bulletin_digest
    assert len(digest) == 64 and digest in flat
    assert f"http://localhost/ballots/{published.id}" in flat  # the QR code's address, too
    assert flat.startswith("滨江区人民代表大会常务委员会滨人公〔2027〕1号")
    assert "2027年度测试区民生实事项目代表票决结果公告" in flat
    assert "特此公告。滨江区人民代表大会常务委员会2027年3月2日" in flat  # signed and dated
    assert doc.title == "2027年度测试区民生实事项目代表票决结果公告"


def test_the_draft_resolution_lists_the_adopted_with_budgets_and_units(client, published):
    doc = read_pdf(client.get(f"/ballots/{published.id}/resolution-draft.pdf"))
    assert is_a4(doc)
    lines = doc.lines()
    start = lines.index("序号 项目名称 预算 责任单位 赞成票")
    assert lines[start + 1:start + 4] == [
        "1 项目乙 200万元 区民政局 5", "2 项目丙 150万元 区教委 4", "合计 350万元"]
    flat = doc.flat
    assert flat.startswith("滨江区人民代表大会常务委员会滨人发〔2027〕1号")
    assert "测试区人民代表大会关于2027年度测试区民生实事项目的决议（草案）" in flat
    assert "结果见滨江区人民代表大会常务委员会公告滨人公〔2027〕1号" in flat
    assert "决定将以下2个项目确定为2027年度测试区民生实事项目，预算合计350万元" in flat
    assert "项目甲" not in flat and "项目丁" not in flat
    assert "2027年3月2日" in flat


def test_numbers_follow_the_year_s_publications_and_never_move(client, db, official, cycle,
                                                                voters, published):
    later = publish(db, official, new_cycle_ballot(db, official, cycle, title="第二次票决"),
                    voters, at=datetime(2027, 6, 30, 16, 30, tzinfo=UTC))  # July 1st in Beijing
    new_year = publish(db, official, new_cycle_ballot(db, official, cycle, title="第三次票决"),
                       voters, at=datetime(2027, 12, 31, 16, 30, tzinfo=UTC))
    for ballot, number, day in ((published, "〔2027〕1号", "2027年3月2日"),
                                (later, "〔2027〕2号", "2027年7月1日"),
                                (new_year, "〔2028〕1号", "2028年1月1日")):
        flat = read_pdf(client.get(f"/ballots/{ballot.id}/announcement.pdf")).flat
        assert f"滨人公{number}" in flat and f"特此公告。滨江区人民代表大会常务委员会{day}" in flat
        assert f"滨人发{number}" in read_pdf(
            client.get(f"/ballots/{ballot.id}/resolution-draft.pdf")).flat


def test_the_issuing_body_and_prefix_are_the_installation_s(make_app, published):
    client = make_app(ISSUING_BODY="河西区人大常委会", DOC_PREFIX="河人").test_client()
    flat = read_pdf(client.get(f"/ballots/{published.id}/announcement.pdf")).flat
    assert flat.startswith("河西区人大常委会河人公〔2027〕1号")


def test_nothing_is_shown_before_the_ballot_is_published(client, db, official, cycle, voters):
    ballot = create_ballot(db, official, cycle.assembly, "cycle", cycle.id, "草稿票决",
                           BallotRules(), [{"title": "项目甲", "cost": 1}])
    db.commit()
    kinds = ("announcement", "resolution-draft")
    for kind in kinds:  # a draft: not even its page exists
        assert client.get(f"/ballots/{ballot.id}/{kind}.pdf").status_code == 404
    assert client.get(f"/ballots/{ballot.id}").status_code == 404
    open_ballot(db, official, ballot, on=VOTING_DAY, tellers=tellers_for(db, ballot))
    db.commit()
    cast_all(db, ballot, voters, lambda i: {str(ballot.options[0].id): "yes"})
    for kind in kinds:  # open
        assert client.get(f"/ballots/{ballot.id}/{kind}.pdf").status_code == 404
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    db.commit()
    for kind in kinds:  # counted, not yet published
        assert client.get(f"/ballots/{ballot.id}/{kind}.pdf").status_code == 404
    assert "announcement.pdf" not in client.get(f"/ballots/{ballot.id}").text
    publish_ballot(db, official, ballot)
    db.commit()
    for kind in kinds:
        assert client.get(f"/ballots/{ballot.id}/{kind}.pdf").status_code == 200
    assert client.get("/ballots/999999/announcement.pdf").status_code == 404


def test_a_motion_has_no_project_documents(client, db, official, cycle, voters):
    motion = create_ballot(db, official, cycle.assembly, "motion", 1, "一项动议",
                           BallotRules(), [{"title": "动议", "cost": 0}])
    open_ballot(db, official, motion, on=VOTING_DAY, tellers=tellers_for(db, motion))
    db.commit()
    publish(db, official, motion, voters[:1])
    assert client.get(f"/ballots/{motion.id}/announcement.pdf").status_code == 404
    assert "announcement.pdf" not in client.get(f"/ballots/{motion.id}").text


def test_both_languages_link_the_same_chinese_documents(client, published):
    page = client.get(f"/ballots/{published.id}").text
    assert f'href="/ballots/{published.id}/announcement.pdf">票决结果公告（PDF）</a>' in page
    assert f'href="/ballots/{published.id}/resolution-draft.pdf">决议草案（PDF）</a>' in page
    chinese = client.get(f"/ballots/{published.id}/announcement.pdf")

    client.get("/lang/en")
    page = client.get(f"/ballots/{published.id}").text
    assert 'lang="en"' in page
    # The link says what an English reader will get: the document, in Chinese.
    assert (f'href="/ballots/{published.id}/announcement.pdf">'
            "Result announcement (PDF, in Chinese)</a>") in page
    assert (f'href="/ballots/{published.id}/resolution-draft.pdf">'
            "Draft resolution (PDF, in Chinese)</a>") in page
    english = client.get(f"/ballots/{published.id}/announcement.pdf")
    # The document is Chinese by nature: an English reader gets the very same one.
    assert read_pdf(english).text == read_pdf(chinese).text
    assert english.headers["Content-Disposition"] == (
        f"inline; filename=ballot-{published.id}-announcement.pdf")
