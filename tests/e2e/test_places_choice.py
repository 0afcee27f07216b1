"""A real browser: the community is chosen street first (static/js/places.js), from the
places' records, and saved on the account page."""

import pytest

from app.auth.passwords import hash_password
from app.db import get_session
from tests.functional.builders import community_place
from votes.people import Role, find_user, register_user

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mover(live_app):
    with live_app.app_context():
        db = get_session()
        community_place(db, "和平社区", street="长江街道")
        community_place(db, "幸福社区", street="长江街道")
        community_place(db, "光明社区", street="黄河街道")
        register_user(db, username="e2e-mover", display_name="搬家居民",
                      password_hash=hash_password("mover password"), roles=(Role.RESIDENT,))
        db.commit()


def test_the_street_list_narrows_the_communities_and_the_choice_is_saved(
        page, live_server, live_app, mover):
    page.goto(live_server + "/account/login")
    page.get_by_label("用户名").fill("e2e-mover")
    page.get_by_label("密码").fill("mover password")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server + "/")
    page.goto(live_server + "/account/profile")
    streets = page.locator("#community-street")
    assert streets.locator("option").all_inner_texts()[1:] == ["长江街道", "黄河街道"]
    streets.select_option(label="黄河街道")
    offered = page.locator("#community option:not([disabled])").all_inner_texts()
    assert "光明社区" in offered and "和平社区" not in offered and "幸福社区" not in offered
    page.locator("#community").select_option("光明社区")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(live_server + "/account/profile")
    with live_app.app_context():
        assert find_user(get_session(), "e2e-mover").community == "光明社区"
    # Back on the page, the street of the saved community is chosen already.
    assert page.locator("#community-street option:checked").inner_text() == "黄河街道"
