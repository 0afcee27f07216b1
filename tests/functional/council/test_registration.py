"""Registering a council: its community is one of the list of places, chosen, never typed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from proposals.council import services as councils
from proposals.council.models import Council
from tests.functional.builders import community_place, refused
from votes.people import Assembly


@pytest.fixture
def assembly_of(db):
    def make(name: str) -> Assembly:
        found = Assembly(kind="council", name=name, area=f"测试区长江街道{name[:4]}",
                         term_start=date(2024, 1, 1), term_end=date(2026, 12, 31))
        db.add(found)
        db.commit()
        return found

    return make


def test_the_desk_offers_the_communities_and_registers_the_one_chosen(
        client, db, login, official, assembly_of):
    home = community_place(db, "和平社区")
    community_place(db, "湖光社区", "黄河街道")
    assembly = assembly_of("和平社区居民议事会")
    login(official)
    client.get("/lang/en")
    page = client.get("/official/councils").text
    for street, name in (("长江街道", "和平社区"), ("黄河街道", "湖光社区")):
        assert (f'<optgroup label="{street}"><option value="{name}">{name}</option>'
                '</optgroup>') in page
    typed = client.post("/official/councils", data={
        "assembly_id": assembly.id, "community": "月亮社区", "size": 5, "quorum": "1/2"})
    assert typed.status_code == 200 and "Choose one of the options listed" in typed.text
    assert db.scalar(select(func.count(Council.id))) == 0
    made = client.post("/official/councils", data={
        "assembly_id": assembly.id, "community": "和平社区", "size": 5, "quorum": "1/2"})
    assert made.status_code == 302
    council = db.scalar(select(Council))
    assert (council.place_id, council.community) == (home.id, "和平社区")


def test_a_community_not_on_the_list_or_with_a_council_already_is_refused(
        db, official, assembly_of):
    home = community_place(db, "和平社区")
    error = refused("unknown_community", councils.register_council, db, official,
                    assembly_of("月亮社区居民议事会"), community="月亮社区", size=5)
    assert error.params == {"field": "community", "community": "月亮社区"}
    refused("place_not_a_community", councils.register_council, db, official,
            assembly_of("长江街道议事会"), community=home.parent, size=5)
    first = councils.register_council(db, official, assembly_of("和平社区居民议事会"),
                                      community=home, size=5)
    assert first.place is home
    refused("council_exists", councils.register_council, db, official,
            assembly_of("和平社区第二议事会"), community="和平社区", size=5)
