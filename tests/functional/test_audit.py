"""The audit log: what officials and admins do is recorded once, with no values; ballots never."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.auth.access import allow
from app.db import UNAUDITED_ENDPOINTS, get_session, writing
from proposals.collection.models import Comment, ModerationLog, Proposal
from proposals.council import services as councils
from tests.functional.builders import COMMUNITY, live_in, new_ballot, seat_council
from votes.audit import AuditEntry
from votes.ballots import SealedBallot, VoterRecord
from votes.base import DomainError
from votes.people import Assembly, Role, User, add_member, register_user

REASON = "留有他人手机号13800000000"
AGENT = "AuditBrowser/1.0 " + "x" * 300


def entries(db) -> list[AuditEntry]:
    db.expire_all()
    return list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def every_value(entry: AuditEntry) -> str:
    return " ".join(str(getattr(entry, c.key)) for c in AuditEntry.__table__.columns)


def hide(client, proposal, reason=REASON):
    return client.post(
        "/official/moderation/hide",
        data={"target_type": "proposal", "target_id": str(proposal.id), "reason": reason},
        headers={"User-Agent": AGENT}, environ_base={"REMOTE_ADDR": "203.0.113.7"})


def test_an_officials_write_is_recorded_once_with_who_what_where_and_no_values(
        client, db, login, official, resident, propose):
    proposal = propose(resident)
    login(official)  # signing in is no official action: it records nothing
    assert entries(db) == []
    assert hide(client, proposal).status_code == 302
    db.expire_all()
    assert db.get(Proposal, proposal.id).hidden
    [entry] = entries(db)
    assert (entry.actor_id, entry.actor_roles) == (official.id, "official")
    assert (entry.action, entry.method, entry.path) == (
        "officials.hide", "POST", "/official/moderation/hide")
    assert entry.object_values == {}
    assert entry.field_names == ["reason", "target_id", "target_type"]  # no csrf_token either
    assert entry.outcome == "done"
    assert entry.remote_addr == "203.0.113.7"
    assert entry.user_agent == AGENT[:200]
    assert entry.at is not None
    assert REASON not in every_value(entry) and "13800000000" not in every_value(entry)


def test_the_url_values_are_the_entrys_object_ids(client, db, login, admin, make_user):
    someone = make_user(Role.RESIDENT)
    login(admin)
    response = client.post(f"/admin/users/{someone.id}",
                           data={"roles": ["resident", "delegate"], "active": "1"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, someone.id).roles == {Role.RESIDENT, Role.DELEGATE}
    [entry] = entries(db)
    assert entry.action == "admin.user" and entry.object_values == {"user_id": someone.id}
    assert entry.field_names == ["active", "roles"]
    assert entry.actor_roles == "admin,official"
    assert "delegate" not in every_value(entry).replace(entry.actor_roles, "")


def test_an_admin_creating_an_assembly_is_recorded_with_the_assembly(client, db, login, admin):
    login(admin)
    response = client.post("/admin/assemblies", data={
        "kind": "council", "name": "审计社区居民议事会", "area": "审计社区",
        "term_start": "2027-01-01", "term_end": "2029-12-31"})
    assert response.status_code == 302
    assert db.scalar(select(Assembly.id).where(Assembly.name == "审计社区居民议事会"))
    [entry] = entries(db)
    assert entry.action == "admin.assemblies" and entry.outcome == "done"
    assert entry.field_names == ["area", "kind", "name", "term_end", "term_start"]
    assert "审计社区" not in every_value(entry)


def test_an_officials_write_on_a_page_for_everyone_is_recorded_too(
        client, db, login, official, resident, propose):
    proposal = propose(resident)
    login(official)
    client.post(f"/proposals/{proposal.id}/comments", data={"body": "请街道尽快答复。"})
    [entry] = entries(db)
    assert entry.action == "public.comment" and entry.object_values == {
        "proposal_id": proposal.id}
    assert entry.field_names == ["body"] and "请街道" not in every_value(entry)


def test_a_refused_write_records_its_refusal_and_nothing_else(
        client, db, login, official, resident, propose):
    proposal = propose(resident)
    login(official)
    hide(client, proposal)
    logged = db.scalar(select(func.count()).select_from(ModerationLog))
    page = hide(client, proposal, reason="再隐藏一次")
    assert page.status_code == 302
    assert db.scalar(select(func.count()).select_from(ModerationLog)) == logged
    first, refused = entries(db)
    assert (first.outcome, refused.outcome) == ("done", "already_hidden")
    assert refused.action == "officials.hide" and refused.actor_id == official.id


def test_a_refusal_undoes_the_write_and_keeps_only_the_refusal(app, client, db, login, official):
    @app.route("/official/audit-probe", methods=["POST"])
    @allow("official")
    def audit_probe():
        with writing() as work:
            register_user(get_session(), username="half_written", display_name="半截",
                          password_hash="x")
            get_session().flush()
            raise DomainError("officials_only")
        return "ok" if work.ok else "refused"

    login(official)
    assert client.post("/official/audit-probe", data={"name": "值"}).text == "refused"
    assert db.scalar(select(User.id).where(User.username == "half_written")) is None
    [entry] = entries(db)
    assert (entry.action, entry.outcome, entry.field_names) == (
        "audit_probe", "officials_only", ["name"])


def test_residents_and_delegates_writes_are_not_recorded(
        client, db, login, resident, delegate, propose):
    proposal = propose(resident)
    for person in (resident, delegate):
        login(person)
        client.post(f"/proposals/{proposal.id}/comments", data={"body": f"{person.id}的意见"})
        client.post("/account/logout")
    assert db.scalar(select(func.count()).select_from(Comment)) == 2  # both were written
    assert entries(db) == []


@pytest.fixture
def official_delegate(db, make_user, admin, assembly):
    person = make_user(Role.DELEGATE, Role.OFFICIAL, name="既是代表又是干部")
    add_member(db, assembly, person, admin, joined_on=date(2024, 1, 1))
    db.commit()
    return person


def test_casting_a_ballot_records_nothing_even_for_an_official(
        client, db, login, official, assembly, official_delegate):
    ballot = new_ballot(db, official, assembly)
    marks = {f"option-{o.id}": "yes" for o in ballot.options}
    login(official_delegate)
    client.post(f"/delegate/ballots/{ballot.id}/check-in", data={"code": ballot.check_in_code})
    client.post(f"/delegate/ballots/{ballot.id}/review", data=marks)
    client.post(f"/delegate/ballots/{ballot.id}/cast", data=marks)
    client.post(f"/delegate/ballots/{ballot.id}/cast", data=marks)  # refused: voted already
    assert db.get(VoterRecord, (ballot.id, official_delegate.id)) is not None
    assert db.scalar(select(func.count()).select_from(SealedBallot)) == 1  # sealed until counted
    assert entries(db) == []


def test_voting_in_a_council_election_records_nothing_even_for_an_official(
        client, db, login, official, admin, make_user):
    old = seat_council(db, make_user, admin)
    voter = make_user(Role.RESIDENT, Role.OFFICIAL, name="社区干部居民")
    candidates = []
    for person in [voter, *(make_user(Role.RESIDENT) for _ in range(3))]:
        live_in(db, person, COMMUNITY)
        candidates.append(person)
    db.commit()
    term = councils.create_election(db, official, old.council, title="换届选举",
                                    candidates=candidates, term_start=date(2027, 1, 1),
                                    term_end=date(2029, 12, 31))
    councils.open_election(db, official, term, date.today())
    db.commit()
    ballot = councils.election_ballot(db, term)
    ticks = {"tick": [str(ballot.options[0].id)]}
    login(voter)
    client.post(f"/resident/council/elections/{term.id}/review", data=ticks)
    client.post(f"/resident/council/elections/{term.id}/cast", data=ticks)
    assert db.get(VoterRecord, (ballot.id, voter.id)) is not None
    assert entries(db) == []


def test_the_unrecorded_endpoints_are_the_ballots_own(app):
    # Renaming a casting view must not quietly start recording it.
    assert UNAUDITED_ENDPOINTS <= set(app.view_functions)
    assert {"delegates.check_in", "delegates.cast",
            "residents.council_election_cast"} <= UNAUDITED_ENDPOINTS


# --- the admin's page and export --------------------------------------------------------------


def add_entry(db, actor, at, *, action="officials.hide", agent="Firefox/140"):
    db.add(AuditEntry(at=at, actor_id=actor.id, actor_roles="official", action=action,
                      method="POST", path="/official/moderation/hide", object_ids="{}",
                      fields='["reason"]', outcome="done", remote_addr="198.51.100.1",
                      user_agent=agent))
    db.commit()


@pytest.fixture
def logged(db, official, make_user):
    """Entries of two officials; the app's dates are Beijing time (UTC+8)."""
    other = make_user(Role.OFFICIAL, username="qianjie")
    add_entry(db, official, datetime(2027, 3, 1, 15, 59, tzinfo=UTC), action="first.action")
    add_entry(db, other, datetime(2027, 3, 1, 16, 0, tzinfo=UTC), action="second.action",
              agent="=HYPERLINK(\"http://evil.example\")")
    add_entry(db, official, datetime(2027, 3, 2, 15, 0, tzinfo=UTC), action="third.action")
    add_entry(db, official, datetime(2027, 3, 3, 1, 0, tzinfo=UTC), action="fourth.action")
    return other


def test_the_admin_reads_the_log_newest_first_and_filters_it(client, login, admin, logged):
    login(admin)
    page = client.get("/admin/audit").text
    assert "审计日志" in page and "共 4 条" in page
    assert page.index("fourth.action") < page.index("third.action") < page.index("first.action")
    mine = client.get("/admin/audit?actor=QianJie").text
    assert "second.action" in mine and "first.action" not in mine and "共 1 条" in mine
    # 2 March in Beijing runs from 1 March 16:00 to 2 March 16:00 UTC.
    day = client.get("/admin/audit?since=2027-03-02&until=2027-03-02").text
    assert "second.action" in day and "third.action" in day
    assert "first.action" not in day and "fourth.action" not in day
    wrong = client.get("/admin/audit?since=2027-03-03&until=2027-03-01").text
    # The end that does not read is shown as wrong and left out; the start still filters.
    assert "结束日期不能早于开始日期" in wrong
    assert "fourth.action" in wrong and "third.action" not in wrong


def test_the_log_is_paged_and_in_english_too(app, client, login, admin, logged):
    app.config["PAGE_SIZE"] = 3
    login(admin)
    en = {"Accept-Language": "en"}
    first = client.get("/admin/audit", headers=en).text
    assert "Audit log" in first and "Page 1 of 2" in first and "first.action" not in first
    last = client.get("/admin/audit?page=2", headers=en).text
    assert "first.action" in last and "fourth.action" not in last
    assert client.get("/admin/audit?page=2&actor=nobody", headers=en).status_code == 200


def test_the_export_holds_the_filtered_entries_with_formulas_kept_as_text(
        client, login, admin, official, logged):
    login(admin)
    response = client.get("/admin/audit.csv?since=2027-03-02&until=2027-03-02")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == ("id,at_utc,actor,actor_roles,action,method,path,object_ids,fields,"
                        "outcome,remote_addr,user_agent")
    assert len(lines) == 3
    assert ",third.action," in lines[1] and ",second.action," in lines[2]
    assert lines[1].split(",")[1:3] == ["2027-03-02T15:00:00+00:00", official.username]
    assert lines[2].endswith("'=HYPERLINK(\"\"http://evil.example\"\")\"")


def test_the_nav_leads_to_the_log(client, login, admin):
    login(admin)
    nav = client.get("/admin/users").text
    assert 'href="/admin/audit"' in nav
    assert 'href="/admin/audit.csv"' in client.get("/admin/audit").text


@pytest.mark.parametrize("roles", [(Role.OFFICIAL,), (Role.RESIDENT,), (Role.DELEGATE,)])
def test_only_admins_read_the_log(client, login, make_user, roles):
    login(make_user(*roles))
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403
    client.post("/account/logout")
    assert client.get("/admin/audit").status_code == 302  # to sign in
