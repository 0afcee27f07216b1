"""The request pages cost the same number of queries with many requests as with few."""

from __future__ import annotations

from datetime import timedelta

from proposals.requests import services
from tests.functional.builders import statements_on
from tests.functional.requests.samples import MOMENT, raise_one


def grow(db, desk, rounds: int) -> None:
    """`rounds` requests in each state: received, dispatched, signed, waiting, replied."""
    for n in range(rounds):
        moment = MOMENT + timedelta(minutes=n)
        unit = desk.units["housing" if n % 2 else "street"]
        official = unit.official
        raise_one(db, desk.requester, title=f"待派单{n}", now=moment)
        items = [raise_one(db, desk.requester, title=f"诉求{n}-{k}", now=moment)
                 for k in range(4)]
        for item in items:
            services.dispatch(db, desk.dispatcher, item, unit, note="", now=moment)
        for item in items[1:]:
            services.sign(db, official, item, now=moment)
        services.pause(db, official, items[2], reason="等", now=moment)
        services.reply(db, official, items[3], text="好", now=moment)
        services.rate(db, desk.requester, items[3], rating="unsatisfied", comment="",
                      now=moment)
    db.commit()


def test_the_lists_and_desks_ask_as_often_with_many_requests_as_with_few(
        app, connection, db, desk, as_user):
    app.config["NOW"] = MOMENT + timedelta(days=3)
    anyone, unit, dispatcher = (app.test_client(), as_user(desk.housing),
                                as_user(desk.dispatcher))
    pages = [(anyone, "/requests"), (anyone, "/requests?status=waiting"),
             (anyone, "/requests/2026-000002"), (anyone, "/requests/rates?month=2026-09"),
             (unit, "/official/requests/queue"), (dispatcher, "/official/requests/dispatch"),
             (dispatcher, "/official/requests/supervision"),
             (as_user(desk.requester), "/resident/requests")]
    costs = []
    for rounds in (2, 8):
        grow(db, desk, rounds if not costs else rounds - 2)
        seen = []
        for client, path in pages:
            with statements_on(connection) as statements:
                assert client.get(path).status_code == 200, path
            seen.append(len(statements))
        costs.append(seen)
    assert costs[0] == costs[1], list(zip([p for _, p in pages], *costs, strict=True))
