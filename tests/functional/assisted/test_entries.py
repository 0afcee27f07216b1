"""What staff enter in a resident's name waits for the resident's code: a proposal stands,
marked; a co-sign or a rating is not counted until confirmed; "this was not me" declines."""

from __future__ import annotations

from sqlalchemy import func, select

from proposals.assisted.models import AssistedEntry
from proposals.collection.models import Cosign, Proposal
from proposals.evaluation import rounds
from proposals.evaluation.models import Rating
from tests.functional.accounts.conftest import code_to, texts_to
from tests.functional.builders import CLOSE_DAY, rate_all
from votes.people import Role

NUMBER = "13912345678"


def english(client):
    client.get("/lang/en")
    return client


def sign_in(client, login, user):
    client.post("/account/logout")
    login(user)
    return english(client)


def test_a_cosign_entered_for_a_resident_counts_only_once_confirmed(
        app, client, db, login, mailing, gateway, official, texted, propose, make_user):
    author = make_user(Role.RESIDENT, name="提议人")
    proposal = propose(author)
    grandma = texted(NUMBER)
    sign_in(client, login, official)
    page = client.get(f"/proposals/{proposal.id}").text
    assert f'href="/official/proposals/{proposal.id}/cosign-for"' in page
    done = client.post(f"/official/proposals/{proposal.id}/cosign-for",
                       data={"resident": NUMBER}, follow_redirects=True).text
    assert "gets a code at 139****5678" in done
    assert "1 waiting for the residents’ confirmation, not counted yet" in done
    db.expire_all()
    assert db.get(Proposal, proposal.id).cosign_count == 0
    assert db.get(Cosign, (proposal.id, grandma.id)) is None
    [text] = texts_to(app, gateway, NUMBER)
    # In the resident's language (Chinese, none chosen), or English without the catalog.
    assert "Staff entered something in your name" in text or "工作人员以您的名义录入" in text

    sign_in(client, login, grandma)
    mine = client.get("/resident/entries").text
    assert "a co-sign" in mine and proposal.title in mine
    wrong = client.post("/resident/entries/confirm", data={"code": "000000"})
    assert wrong.status_code == 422 and "This code is wrong or has expired." in wrong.text
    db.expire_all()
    assert db.get(Proposal, proposal.id).cosign_count == 0
    confirmed = client.post("/resident/entries/confirm",
                            data={"code": code_to(app, gateway, NUMBER)},
                            follow_redirects=True).text
    assert "Confirmed: 1 entries now count as yours." in confirmed
    db.expire_all()
    assert db.get(Proposal, proposal.id).cosign_count == 1
    assert db.get(Cosign, (proposal.id, grandma.id)) is not None
    again = client.post("/resident/entries/confirm",
                        data={"code": code_to(app, gateway, NUMBER)})
    assert again.status_code == 422  # the code worked once
    assert db.get(Proposal, proposal.id).cosign_count == 1


def test_a_proposal_entered_in_a_residents_name_is_marked_until_confirmed_or_declined(
        app, client, db, login, mailing, gateway, official, texted, cycle):
    grandma = texted(NUMBER)
    sign_in(client, login, official)
    entered = client.post(f"/official/cycles/{cycle.id}/enter", data={
        "title": "楼道加装扶手", "description": "老人上下楼需要扶手。", "category": "housing",
        "district": "测试区", "street": "长江街道", "community": "和平社区",
        "channel": "visit", "proposer_name": "陈阿婆", "proposer_username": grandma.username},
        follow_redirects=True).text
    assert "Entered by staff, not yet confirmed by the resident" in entered
    proposal = db.scalar(select(Proposal).filter_by(title="楼道加装扶手"))
    assert proposal.proposer_id == grandma.id
    anonymous = english(app.test_client()).get(f"/proposals/{proposal.id}").text
    assert "Entered by staff, not yet confirmed by the resident" in anonymous

    sign_in(client, login, grandma)
    [entry] = db.scalars(select(AssistedEntry)).all()
    client.post(f"/resident/entries/{entry.id}/decline")
    db.expire_all()
    assert db.get(AssistedEntry, entry.id).state == "declined"
    assert db.get(Proposal, proposal.id).proposer_id is None
    shown = english(app.test_client()).get(f"/proposals/{proposal.id}").text
    assert "the resident named said it was not theirs" in shown


def test_a_rating_entered_for_a_resident_is_counted_when_confirmed(
        app, client, db, login, mailing, gateway, official, texted, completed):
    grandma = texted(NUMBER)
    sign_in(client, login, official)
    assert "Rate for a resident" in client.get(f"/projects/{completed.id}/evaluation").text
    client.post(f"/official/projects/{completed.id}/rate-for", data={
        "resident": grandma.username, "level": "basically_satisfied", "comment": "电梯好用"})
    assert db.scalar(select(func.count(Rating.id))) == 0
    listed = client.get("/official/entries").text
    assert "a rating" in listed and "waiting for the resident" in listed

    sign_in(client, login, grandma)
    client.post("/resident/entries/confirm", data={"code": code_to(app, gateway, NUMBER)})
    rating = db.scalar(select(Rating).where(Rating.user_id == grandma.id))
    assert (rating.level, rating.comment, rating.rater_kind) == (
        "basically_satisfied", "电梯好用", "resident")


def test_an_unverified_resident_cannot_be_rated_for(
        client, db, login, official, completed, make_user):
    stranger = make_user(Role.RESIDENT, name="外来人")
    sign_in(client, login, official)
    page = client.post(f"/official/projects/{completed.id}/rate-for", data={
        "resident": stranger.username, "level": "satisfied"}).text
    assert "verified residents can rate it" in page
    assert db.scalar(select(func.count(AssistedEntry.id))) == 0


def test_for_a_resident_without_a_number_it_counts_at_once(
        client, db, login, official, propose, make_user, resident):
    proposal = propose(make_user(Role.RESIDENT, name="提议人"))
    sign_in(client, login, official)
    done = client.post(f"/official/proposals/{proposal.id}/cosign-for",
                       data={"resident": resident.username}, follow_redirects=True).text
    assert "who has no mobile number: it counts now" in done
    db.expire_all()
    assert db.get(Proposal, proposal.id).cosign_count == 1
    assert db.scalar(select(AssistedEntry.state)) == "confirmed"


def test_an_entry_confirmed_after_its_round_closed_lapses(
        app, client, db, login, mailing, gateway, official, texted, completed, residents):
    rate_all(db, completed, residents(1), ["satisfied"])  # a round closes with ratings
    grandma = texted(NUMBER)
    sign_in(client, login, official)
    client.post(f"/official/projects/{completed.id}/rate-for", data={
        "resident": grandma.username, "level": "dissatisfied"})
    code = code_to(app, gateway, NUMBER)
    rounds.close_round(db, official, completed, today=CLOSE_DAY)
    db.commit()
    sign_in(client, login, grandma)
    page = client.post("/resident/entries/confirm", data={"code": code},
                       follow_redirects=True).text
    assert "1 came too late to count" in page
    assert db.scalar(select(func.count(Rating.id))) == 1  # the other resident's only
    assert db.scalar(select(AssistedEntry.state)) == "lapsed"


def test_the_residents_data_download_names_what_staff_entered_and_deletion_lapses_it(
        client, db, login, official, texted, propose, make_user):
    from proposals.assisted.services import enter_cosign_for
    from tests.functional.personal.steps import delete_account
    from tests.functional.personal.test_export import exported

    proposal = propose(make_user(Role.RESIDENT, name="提议人"))
    grandma = texted(NUMBER)
    enter_cosign_for(db, official, proposal, grandma)
    db.commit()
    sign_in(client, login, grandma)
    data, _text = exported(client)
    [entry] = data["entered_for_me"]
    assert (entry["kind"], entry["proposal_id"], entry["state"]) == (
        "cosign", proposal.id, "pending")
    delete_account(client)
    db.expire_all()
    assert db.scalar(select(AssistedEntry.state)) == "lapsed"
    assert db.get(Proposal, proposal.id).cosign_count == 0


def test_entering_for_a_resident_says_what_stands_in_the_way_in_their_terms(
        client, db, login, official, propose, make_user, resident):
    from proposals.collection.services import cosign

    proposal = propose(make_user(Role.RESIDENT, name="提议人"))
    cosign(db, resident, proposal)
    db.commit()
    sign_in(client, login, official)
    typed = {"resident": resident.username}
    page = client.post(f"/official/proposals/{proposal.id}/cosign-for", data=typed).text
    assert "This resident has co-signed this proposal already." in page
    assert f'value="{resident.username}"' in page  # kept as typed
    own = client.post(f"/official/proposals/{propose(resident).id}/cosign-for", data=typed)
    assert "nobody co-signs their own" in own.text
    unknown = client.post(f"/official/proposals/{proposal.id}/cosign-for",
                          data={"resident": "nobody-here"})
    assert "No account has this username or mobile number." in unknown.text
    assert db.scalar(select(func.count(AssistedEntry.id))) == 0
