"""Delete my account: one transaction wipes the person and signs them out everywhere; what
they wrote stays public under 前居民 / "former resident"; their rating stays counted, linked
to nobody; their follows, notices and notice choices go, and nothing not yet sent is sent."""

from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.auth.passwords import verify_password
from proposals.collection.models import Comment, Follow, Notification
from proposals.collection.services import add_comment
from proposals.evaluation.models import Rating, RatingCount
from proposals.notices.models import NoticeDelivery, NoticePreference
from proposals.notices.services import choose_channels
from tests.conftest import PASSWORD, csrf_token
from tests.functional.builders import rate_all
from tests.functional.personal.steps import (
    copy_of,
    delete_account,
    device,
    in_english,
    signed_in,
)
from votes.audit import AuditEntry
from votes.people import User
from votes.sessions import live_sessions

MINE = "电梯装好后老人出门方便多了"


def in_chinese(app, msgid: str) -> str:
    with app.test_request_context(), force_locale("zh_Hans"):
        return gettext(msgid)


def counts(db, project_id) -> list[tuple]:
    return [tuple(row) for row in db.execute(
        select(RatingCount.round_no, RatingCount.rater_kind, RatingCount.level, RatingCount.n)
        .where(RatingCount.project_id == project_id).order_by(RatingCount.round_no,
                                                              RatingCount.rater_kind,
                                                              RatingCount.level))]


def how_many(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_the_page_says_what_happens_and_asks_for_the_password(client, login, resident):
    login(resident)
    in_english(client)
    page = client.get("/account/delete")
    assert page.status_code == 200
    assert "former resident" in page.text and "cannot be undone" in page.text
    assert 'name="password"' in page.text
    assert 'href="/account/delete"' in client.get("/account/profile").text


def test_a_wrong_password_deletes_nothing(db, client, login, resident):
    login(resident)
    answer = delete_account(in_english(client), "not my password at all")
    assert answer.status_code == 200 and "The password is not right." in answer.text
    db.expire_all()
    person = db.get(User, resident.id)
    assert person.active and person.deleted_at is None and person.display_name == "王秀英"
    assert signed_in(client)


def test_deleting_wipes_the_person_and_keeps_what_they_wrote(app, db, resident, completed,
                                                              adopted, make_user):
    lift, lift2 = adopted.proposals
    resident.email = "wang@example.com"
    choose_channels(db, resident, email="each", sms="off")
    rate_all(db, completed, [resident], ["satisfied"], comment="电梯运行良好")
    mine = add_comment(db, resident, lift2, MINE)  # tells lift2's proposer, by name
    add_comment(db, make_user(name="邻居"), lift, "同意")  # a notice to the resident, unsent
    db.commit()
    before = counts(db, completed.id)
    audit_before = how_many(db, AuditEntry)
    assert how_many(db, NoticeDelivery, NoticeDelivery.user_id == resident.id) == 1

    laptop, phone = device(app, resident), device(app, resident)
    thief = copy_of(app, laptop)
    answer = delete_account(in_english(laptop))
    assert answer.status_code == 302 and answer.headers["Location"] == "/account/deleted"
    confirmation = laptop.get("/account/deleted")
    assert confirmation.status_code == 200 and "has been deleted" in confirmation.text
    assert laptop.get("/account/deleted").status_code == 302  # once

    # Nobody is signed in any more: not here, not on the phone, not with a copied cookie,
    # and the old name and password open nothing.
    assert not signed_in(laptop) and not signed_in(phone) and not signed_in(thief)
    again = laptop.post("/account/login", data={"username": resident.username,
                                                "password": PASSWORD})
    assert again.status_code == 200 and not signed_in(laptop)  # the sign-in page again

    db.expire_all()
    person = db.get(User, resident.id)
    assert person.username == f"~deleted-{resident.id}" and person.display_name == "前居民"
    assert (person.email, person.mobile, person.community, person.place_id) == (
        None, None, None, None)
    assert not person.active and person.deleted_at is not None and not person.roles
    assert not verify_password(person.password_hash, PASSWORD)
    assert live_sessions(db, person.id) == []

    # The proposal and the comment stay public, under the name a deleted account goes by.
    reader = app.test_client()
    former = in_chinese(app, "former resident")  # 前居民, once the catalog has it
    page = reader.get(f"/proposals/{lift.id}")
    assert page.status_code == 200 and former in page.text and "王秀英" not in page.text
    discussion = reader.get(f"/proposals/{lift2.id}")
    assert MINE in discussion.text and former in discussion.text
    assert "王秀英" not in discussion.text
    reader.get("/lang/en")
    assert "former resident" in reader.get(f"/proposals/{lift.id}").text
    assert db.get(Comment, mine.id) is not None

    # The rating stays counted, linked to nobody.
    assert counts(db, completed.id) == before
    (rating,) = db.scalars(select(Rating).where(Rating.project_id == completed.id))
    assert rating.user_id is None and rating.level == "satisfied"

    # Follows, notices, their outbox rows and the notice choices are gone; the audit log stays.
    assert how_many(db, Follow, Follow.user_id == person.id) == 0
    assert how_many(db, Notification, Notification.user_id == person.id) == 0
    assert how_many(db, NoticeDelivery, NoticeDelivery.user_id == person.id) == 0
    assert db.get(NoticePreference, person.id) is None
    assert how_many(db, AuditEntry) == audit_before

    # The notice the proposer of lift2 was sent no longer quotes the old name.
    neighbour = lift2.proposer
    (told,) = db.scalars(select(Notification).where(Notification.user_id == neighbour.id,
                                                    Notification.kind == "comment"))
    assert told.params["name"] == "前居民"


def test_deleting_needs_its_csrf_token(make_app, make_user, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    person = make_user()
    token = csrf_token(client.get("/account/login").text)
    client.post("/account/login", data={"username": person.username, "password": PASSWORD,
                                        "csrf_token": token})
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 400
    db.expire_all()
    assert db.get(User, person.id).active and signed_in(client)
    token = csrf_token(client.get("/account/delete").text)
    answer = client.post("/account/delete", data={"password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302
    db.expire_all()
    assert db.get(User, person.id).deleted_at is not None
