"""Moving a cycle on asks first: a page says what the next stage changes, and the move is
made only once confirmed."""


def test_moving_a_cycle_on_asks_first(client, db, login, admin, resident, propose, cycle):
    propose(resident)
    login(admin)
    client.get("/lang/en")
    own = client.get(f"/admin/cycles/{cycle.id}").text
    url = f"/admin/cycles/{cycle.id}/advance"
    assert f'href="{url}"' in own and f'action="{url}"' not in own  # no single click
    page = client.get(url).text
    assert "What will happen" in page and "no new proposals can be made" in page
    assert 'name="confirm"' in page
    assert f'name="c{cycle.id}-target" type="hidden" value="shortlist"' in page
    unticked = client.post(url, data={f"c{cycle.id}-target": "shortlist"}, follow_redirects=True)
    assert "tick the box to confirm" in unticked.text
    db.refresh(cycle)
    assert cycle.stage == "collection"
    client.post(url, data={f"c{cycle.id}-target": "shortlist", "confirm": "y"})
    db.refresh(cycle)
    assert cycle.stage == "shortlist"


def test_the_page_lists_what_is_still_in_the_way(client, db, login, admin, cycle):
    login(admin)
    client.get("/lang/en")
    page = client.get(f"/admin/cycles/{cycle.id}/advance").text  # no proposal yet
    assert "Before it can move to" in page and 'id="confirm-form"' not in page
