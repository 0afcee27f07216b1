"""The announcement of a ballot that ended in a tie, and titles that look like markup."""

from __future__ import annotations

from tests.functional.builders import (
    VOTING_DAY,
    cast_all,
    seat_delegates,
    tellers_for,
    unlock_all,
)
from tests.functional.documents.reading import read_pdf
from votes.casting import create_ballot, open_ballot
from votes.closing import close_ballot, publish_ballot, tie_state
from votes.rules import BallotRules

MARKUP = '<img src="file:///etc/passwd">路灯'


def published(db, official, cycle, voters, options, rules, choices):
    ballot = create_ballot(db, official, cycle.assembly, "cycle", cycle.id, "同票测试票决",
                           rules, [{"title": t, "cost": 100_000} for t in options])
    open_ballot(db, official, ballot, on=VOTING_DAY, tellers=tellers_for(db, ballot))
    db.commit()
    ids = [o.id for o in ballot.options]
    cast_all(db, ballot, voters, lambda i: {str(o): choices(i, k) for k, o in enumerate(ids)})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    publish_ballot(db, official, ballot)
    db.commit()
    return ballot


def test_a_tie_at_the_cut_off_is_announced_as_awaiting_its_settlement(
        client, db, official, cycle, assembly, admin, make_user):
    voters = seat_delegates(db, assembly, admin, make_user, 3)
    ballot = published(db, official, cycle, voters, ["甲方案", "乙方案", "丙方案"],
                       BallotRules(seats=1), lambda i, k: "yes" if k < 2 else "no")
    assert tie_state(db, ballot).tie_pending  # 甲 and 乙: 3 yes each, for one seat
    doc = read_pdf(client.get(f"/ballots/{ballot.id}/announcement.pdf"))
    assert "本次票决没有项目入选。" in doc.flat
    assert {r[1]: r[6] for r in doc.count_rows()} == {
        "甲方案": "同票待决", "乙方案": "同票待决", "丙方案": "未获通过"}
    assert "甲方案、乙方案得票相同，尚待依法决定或重新票决，结果另行公告。" in doc.flat
    resolution = read_pdf(client.get(f"/ballots/{ballot.id}/resolution-draft.pdf")).flat
    assert ("本次票决没有项目入选；甲方案、乙方案得票相同，待依法决定或重新票决后另行提出"
            "决议草案。") in resolution
    assert "决定将以下" not in resolution


def test_a_title_that_looks_like_markup_is_printed_as_text(client, db, official, cycle,
                                                          assembly, admin, make_user):
    voters = seat_delegates(db, assembly, admin, make_user, 1)
    ballot = published(db, official, cycle, voters, [MARKUP], BallotRules(),
                       lambda i, k: "yes")
    flat = read_pdf(client.get(f"/ballots/{ballot.id}/announcement.pdf")).flat
    assert '<imgsrc="file:///etc/passwd">路灯' in flat  # the words, not an image or a file


def test_one_address_cannot_keep_the_renderer_busy(client):
    """30 public documents a minute per address; the 31st waits (asked of a ballot that does
    not exist, so the test renders nothing)."""
    answers = [client.get("/ballots/999999/announcement.pdf").status_code for _ in range(31)]
    assert answers == [404] * 30 + [429]
