"""Fixtures of the 接诉即办 tests: two units with their officials, a dispatcher, residents."""

from __future__ import annotations

import pytest

from proposals.requests import services
from tests.conftest import PASSWORD
from tests.functional.requests.samples import PLACES, Desk
from votes.people import Role, User
from votes.places import add_places


@pytest.fixture
def desk(db, make_user) -> Desk:
    """The desk, and the list of places its requests name: 和平社区 (code C-HP) and 幸福社区 in
    长江街道; no grid anywhere."""
    admin = make_user(Role.ADMIN, Role.OFFICIAL, name="管理员")
    add_places(db, admin, PLACES)
    housing = make_user(Role.OFFICIAL, name="王志强（区住建委）")
    street = make_user(Role.OFFICIAL, name="刘丽华（长江街道办事处）")
    units = {"housing": services.add_unit(db, admin, name="区住建委", official=housing),
             "street": services.add_unit(db, admin, name="长江街道办事处", official=street)}
    found = Desk(admin=admin, dispatcher=make_user(Role.OFFICIAL, name="赵明（12345热线中心）"),
                 housing=housing, street=street,
                 requester=make_user(Role.RESIDENT, name="提出人甲"),
                 neighbour=make_user(Role.RESIDENT, name="邻居乙"), units=units)
    db.commit()
    return found


@pytest.fixture
def as_user(app):
    """A signed-in test client for a user: several people act in one test."""

    def sign_in(user: User):
        client = app.test_client()
        response = client.post("/account/login",
                               data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
        client.get("/lang/en")  # the tests read English; the Chinese words are in the catalog
        return client

    return sign_in
