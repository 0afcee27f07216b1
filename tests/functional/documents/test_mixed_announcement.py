"""The result announcement of a ballot with paper and electronic ballots says how many of each."""

from __future__ import annotations

from tests.functional.ballots.mixed_builders import counted_mixed
from tests.functional.builders import seat_delegates
from tests.functional.documents.reading import read_pdf
from votes.closing import publish_ballot


class People(list):
    assembly = None


def test_the_announcement_gives_the_electronic_and_paper_ballots(client, db, official, admin,
                                                                 assembly, make_user):
    people = People(seat_delegates(db, assembly, admin, make_user, 9))
    people.assembly = assembly
    ballot = counted_mixed(db, official, people)
    publish_ballot(db, official, ballot)
    db.commit()
    flat = read_pdf(client.get(f"/ballots/{ballot.id}/announcement.pdf")).flat
    assert "应到代表9名，实到8名，收回选票7张" in flat
    assert "电子选票5张，发出纸质选票3张、收回2张，合并计票" in flat
