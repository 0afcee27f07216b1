"""Download my data: a POST makes a JSON file of everything about the signed-in person, their
own proposal, rating and comment among it, and nothing of anyone else's, nor the password."""

import json

from proposals.collection.services import add_comment
from tests.conftest import csrf_token
from tests.functional.builders import cast_all, new_ballot, option_ids, rate_all
from votes.people import User

MINE = "电梯装好后老人出门方便多了"
THEIRS = "我们楼也需要，谢谢"


def exported(client) -> tuple[dict, str]:
    answer = client.post("/account/data")
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert answer.headers["Content-Disposition"].startswith(
        "attachment; filename=yishi-personal-data-")
    assert "no-store" in answer.headers["Cache-Control"]
    return json.loads(answer.text), answer.text


def test_the_page_says_what_the_file_holds(client, resident, login):
    login(resident)
    client.get("/lang/en")
    page = client.get("/account/data")
    assert page.status_code == 200
    assert "never what you chose" in page.text
    assert 'action="/account/data"' in page.text
    assert 'href="/account/data"' in client.get("/account/profile").text


def test_the_file_holds_ones_own_and_nobody_elses(db, client, login, resident, completed,
                                                   adopted, make_user):
    lift, lift2 = adopted.proposals
    rate_all(db, completed, [resident], ["satisfied"], comment="电梯运行良好")
    add_comment(db, resident, lift, MINE)
    add_comment(db, make_user(name="另一位居民"), lift, THEIRS)
    db.commit()
    login(resident)
    data, raw = exported(client)

    assert data["format"] == "yishi-personal-data"
    assert data["account"]["username"] == resident.username
    assert data["account"]["display_name"] == "王秀英"
    assert data["roles"] == ["resident"]
    assert [p["title"] for p in data["proposals"]] == [lift.title]
    assert [c["body"] for c in data["comments"]] == [MINE]
    (rating,) = data["ratings"]
    assert rating["project_id"] == completed.id and rating["level"] == "satisfied"
    assert rating["comment"] == "电梯运行良好"
    assert data["follows"] == [{"proposal_id": lift.id, "title": lift.title,
                                "at": data["follows"][0]["at"]}]  # following what one says
    assert data["sign_ins"] and all(set(s) == {"description", "created_at", "last_seen_at",
                                                "ended_at"} for s in data["sign_ins"])
    # Someone else's proposal and comment, and the password's hash in any form, are not in it.
    assert lift2.title not in raw and THEIRS not in raw
    # The other's name only where it was told to this person: the notice of their comment.
    (told,) = [n for n in data["notifications"] if n["kind"] == "comment"]
    assert told["params"]["name"] == "另一位居民" and raw.count("另一位居民") == 1
    stored_hash = db.get(User, resident.id).password_hash
    assert "password" not in data["account"] and stored_hash not in raw
    assert "argon2" not in raw and "token" not in raw


def test_the_file_names_ballots_but_no_choice(db, client, login, delegates, official,
                                              assembly):
    ballot = new_ballot(db, official, assembly)
    voter = delegates[0]
    (tracker,) = cast_all(db, ballot, [voter], lambda i: {option_ids(ballot)[0]: "yes"})
    login(voter)
    data, raw = exported(client)
    (entry,) = data["ballots"]
    assert entry["ballot_id"] == ballot.id and entry["voted"] is True
    assert set(entry) == {"ballot_id", "title", "status", "checked_in", "voted"}
    # Neither the mark nor the receipt code that would find the ballot among the others.
    assert '"yes"' not in raw and tracker not in raw


def test_the_download_needs_its_csrf_token(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    person = make_user()
    token = csrf_token(client.get("/account/login").text)
    signed = client.post("/account/login", data={"username": person.username,
                                                 "password": "correct horse battery",
                                                 "csrf_token": token})
    assert signed.status_code == 302
    assert client.post("/account/data").status_code == 400
    token = csrf_token(client.get("/account/data").text)
    answer = client.post("/account/data", data={"csrf_token": token})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
