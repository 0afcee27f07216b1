"""Closing an evaluation round asks first: what closing publishes (the verdict against the
bar) and the turnout, delegates who have not rated by name; done only once confirmed."""

from proposals.evaluation import rating
from proposals.evaluation import rounds as evaluation
from tests.functional.builders import CLOSE_DAY, DAY, rate_all, seat_delegates

S, B, D = "satisfied", "basically_satisfied", "dissatisfied"


def test_closing_a_round_shows_the_verdict_and_who_has_not_rated(
        client, db, login, completed, residents, evaluator, delegate_seat, admin, assembly,
        make_user, clock):
    others = seat_delegates(db, assembly, admin, make_user, 2)
    rate_all(db, completed, residents(4), [S, B, D, D])  # residents: 2 of 4, 50%
    rating.rate(db, delegate_seat, completed, S, None, today=DAY)
    db.commit()
    clock(CLOSE_DAY)
    login(evaluator)
    client.get("/lang/en")
    manage = client.get(f"/official/evaluation/projects/{completed.id}").text
    url = f"/official/evaluation/projects/{completed.id}/close"
    assert f'href="{url}"' in manage and f'action="{url}"' not in manage  # no single click
    page = client.get(url).text
    assert "Close round 1 of the evaluation?" in page and "This cannot be undone." in page
    assert "must be rectified" in page.split('id="verdict"', 1)[1].split("</li>", 1)[0]
    assert "Delegates: 1 of the 3 seated in the assembly have rated." in page
    assert "Residents: 4 ratings." in page
    missing = page.split('id="not-voted"', 1)[1].split("</ul>", 1)[0]
    assert all(person.display_name in missing for person in others)
    assert delegate_seat.display_name not in missing
    unticked = client.post(url, data={}, follow_redirects=True)
    assert "tick the box to confirm" in unticked.text
    assert evaluation.latest_round(db, completed.id).is_open
    done = client.post(url, data={"confirm": "y"}, follow_redirects=True)
    assert "The round is closed and its result published." in done.text
    db.expire_all()
    assert not evaluation.latest_round(db, completed.id).is_open and completed.rectifying
    after = client.get(url, follow_redirects=True).text
    assert "no open round" in after.lower() or "Close round" not in after


def test_the_page_says_why_a_round_cannot_close_yet(client, db, login, completed, residents,
                                                   evaluator):
    rate_all(db, completed, residents(2), [S, S])
    login(evaluator)
    client.get("/lang/en")
    page = client.get(f"/official/evaluation/projects/{completed.id}/close").text
    assert 'id="close-refusal"' in page and 'id="confirm-form"' not in page
    assert "The bar of" in page  # what closing would publish, all the same
