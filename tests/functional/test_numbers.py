"""Numbers from query arguments and form fields never answer 500 (issue #16).

`str.isdigit()` accepts `²` and `①`, which `int()` rejects, and ids past a database's integer
range are refused by the database; app.numbers reads every number a request carries.
"""

from datetime import date

import pytest
from flask import url_for
from werkzeug.routing import ValidationError

from app.auth.access import ROLES
from app.numbers import ID_MAX, IdConverter, whole_number
from proposals.council.meetings import plan_meeting
from proposals.council.topics import raise_topic
from proposals.cycles.services import advance_cycle
from tests.functional.builders import live_in, seat_council
from votes.people import Role

BAD = ("²", "①", "-1", "+1", "1e3", str(2**31), str(2**63), "", " 7 ", "9" * 5000,
       "99999999999999999999", "٣")


# --- (a) the parser and the converter -------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("²", None), ("①", None), ("-1", None), ("+1", None), ("1e3", None), (str(2**31), None),
    (str(2**63), None), ("", None), ("0", None), ("1", 1), (" 7 ", None), ("9" * 5000, None),
    ("٣", None), ("1_000", None), (str(ID_MAX), ID_MAX), ("007", 7), (None, None), (7, None),
])
def test_whole_number_takes_ascii_digits_in_range(text, expected):
    assert whole_number(text) == expected


def test_whole_number_honours_its_bounds():
    assert whole_number("0", low=0) == 0
    assert whole_number("200", high=200) == 200
    assert whole_number("201", high=200) is None
    assert whole_number("4", low=5) is None
    assert whole_number("0" * 5000 + "3") == 3


@pytest.mark.parametrize("text", ["²", "①", "-1", "+1", "1e3", str(2**31), str(2**63), "", "0",
                                  " 7 ", "9" * 5000])
def test_the_converter_refuses_what_is_not_an_id(app, text):
    converter = IdConverter(app.url_map)
    with pytest.raises(ValidationError):
        converter.to_python(text)


def test_the_converter_takes_an_id_and_writes_it_back(app):
    converter = IdConverter(app.url_map)
    assert converter.to_python("1") == 1
    assert converter.to_python(str(ID_MAX)) == ID_MAX
    assert converter.to_url(42) == "42"


# --- (c) numeric query arguments ------------------------------------------------------------


def get_pages(cycle, project):
    """(endpoint, URL values, the numeric query arguments it reads, who may see it)."""
    return [
        ("public.proposals", {}, ("cycle", "page")),
        ("public.similar_proposals", {"title": "加装电梯"}, ("cycle",)),
        ("public.hot_topics", {}, ("cycle",)),
        ("public.projects", {}, ("cycle", "page")),
        ("public.cycles", {}, ("page",)),
        ("public.dataset_file", {"dataset": "proposals", "fmt": "csv"}, ("cycle",)),
        ("public.dataset_file", {"dataset": "projects", "fmt": "json"}, ("cycle",)),
        ("api.proposals", {}, ("cycle", "page", "per_page")),
        ("api.projects", {}, ("cycle", "page", "per_page")),
        ("api.cycles", {}, ("page", "per_page")),
        ("officials.supervision_list", {}, ("cycle",)),
        ("officials.screening", {"cycle_id": cycle.id}, ("page",)),
        ("officials.new_candidate", {"cycle_id": cycle.id}, ("proposal",)),
        ("officials.evaluation_project", {"project_id": project.id}, ("page",)),
        ("admin.users", {}, ("page",)),
        ("residents.dashboard", {}, ("page",)),
        ("residents.notifications", {}, ("page",)),
        ("residents.ratings", {}, ("page",)),
        ("delegates.ratings", {}, ("page",)),
    ]


def test_a_bad_number_in_a_query_argument_is_treated_as_a_letter(app, client, make_user, login,
                                                                  cycle, project):
    login(make_user(*ROLES))
    checked = 0
    for endpoint, values, arguments in get_pages(cycle, project):
        for argument in arguments:
            with app.test_request_context():
                letter = client.get(url_for(endpoint, **values, **{argument: "abc"}))
            assert letter.status_code in (200, 400), (endpoint, argument, letter.status_code)
            for bad in BAD:
                if endpoint.startswith("api.") and bad in ("", " 7 "):
                    continue  # the API strips spaces, and reads an empty value as absent
                with app.test_request_context():
                    url = url_for(endpoint, **values, **{argument: bad})
                response = client.get(url)
                assert response.status_code == letter.status_code, (
                    endpoint, argument, bad[:30], response.status_code)
                checked += 1
    assert checked >= 24 * len(BAD)


def test_a_good_cycle_filter_still_filters(app, client, cycle, propose, resident):
    propose(resident, title="为老旧小区加装电梯")
    assert client.get(f"/data/proposals.csv?cycle={cycle.id}").status_code == 200
    assert client.get(f"/data/proposals.csv?cycle={cycle.id + 1000}").status_code == 404
    api = client.get(f"/api/v1/proposals?cycle={cycle.id}&page=1&per_page=2")
    assert api.status_code == 200 and api.json["data"]
    assert client.get("/api/v1/proposals?per_page=201").status_code == 400


def test_the_evaluation_desk_takes_a_bad_cycle_as_none(client, make_user, login, cycle):
    login(make_user(Role.OFFICIAL))
    for bad in BAD:
        assert client.get("/official/evaluation", query_string={"cycle": bad}).status_code == 200


# --- (d) numeric POST fields ----------------------------------------------------------------


def never_500(response, *allowed):
    assert response.status_code != 500
    if allowed:
        assert response.status_code in allowed, response.status_code
    return response


def test_comment_and_report_fields(client, login, resident, propose):
    proposal = propose(resident)
    login(resident)
    for bad in BAD:
        never_500(client.post(f"/proposals/{proposal.id}/comments",
                              data={"body": "同意", "parent_id": bad}), 302)
        never_500(client.post(f"/proposals/{proposal.id}/report", data={
            "target_type": "proposal", "target_id": bad, "reason": "重复"}), 302)


def test_moderation_and_merge_fields(client, login, official, resident, propose):
    proposal = propose(resident)
    login(official)
    for bad in BAD:
        never_500(client.post("/official/moderation/hide", data={
            "target_type": "proposal", "target_id": bad, "reason": "重复"}), 302)
        never_500(client.post(f"/official/proposals/{proposal.id}/merge",
                              data={"target_id": bad, "reason": "重复"}), 200, 302)
    page = client.post(f"/official/proposals/{proposal.id}/merge",
                       data={"target_id": str(2**63), "reason": "重复"})
    assert page.status_code == 200  # a field error, not a 500


def test_milestone_id_field(client, login, official, project):
    login(official)
    for bad in BAD:
        never_500(client.post(f"/official/projects/{project.id}/milestones", data={
            "mode": project.progress_mode, "milestones-0-id": bad,
            "milestones-0-title": "完成设计和招标", "milestones-0-target_date": "2027-07-31",
            "milestones-0-weight": "1"}), 200, 302)


def test_ballot_fields(client, login, official, counted_ballot, cycle):
    login(official)
    for bad in BAD:
        never_500(client.post(f"/official/ballots/{counted_ballot.id}/resolve",
                              data={"adopt": [bad, "1"], "reason": "依法抽签"}), 302)
        option = counted_ballot.options[0].id
        never_500(client.post(f"/official/ballots/{counted_ballot.id}/paper", data={
            f"yes-{option}": bad, f"no-{option}": "0", f"abstain-{option}": "0",
            "ballots_cast": bad, "present": bad}), 200, 302)
        never_500(client.post(f"/official/cycles/{cycle.id}/ballot/new", data={
            "title": "票决", "seats": "1", "budget_cap": bad, "max_selections": bad}))
    never_500(client.post(f"/official/cycles/{cycle.id}/ballot/new", data={
        "title": "票决", "seats": "1", "budget_cap": str(10**20)}), 200, 302)


def test_council_agenda_and_attendance_fields(db, client, login, admin, make_user):
    seated = seat_council(db, make_user, admin, start=date(2020, 1, 1), end=date(2099, 12, 31))
    chair, day = seated.convenor, date(2020, 6, 1)
    topic = raise_topic(db, live_in(db, make_user(Role.RESIDENT)), seated.council, title="路灯不亮",
                        description="夜里看不见路。", category="public_safety", today=day)
    meeting = plan_meeting(db, chair, seated.council, held_on=day, place="社区活动室", today=day)
    db.commit()
    login(chair)
    for bad in BAD:
        never_500(client.post(f"/delegate/council/meetings/{meeting.id}/agenda",
                              data={"topic_id": bad}), 302)
        never_500(client.post(f"/delegate/council/meetings/{meeting.id}/attendance",
                              data={"present": [bad, str(chair.id)]}), 302)
    assert topic.id


@pytest.mark.parametrize("typed", [str(2**63), str(ID_MAX + 1), "9" * 5000])
def test_a_candidate_source_number_past_any_id_is_a_field_error(db, client, login, official,
                                                               cycle, admin, typed):
    advance_cycle(db, cycle, admin, "shortlist", check_work=False)  # no proposal yet
    db.commit()
    login(official)
    page = client.post(f"/official/cycles/{cycle.id}/candidates/new", data={
        "title": "加装电梯", "description": "说明", "responsible_unit": "区住建委",
        "estimated_cost": "100", "funding_source": "区财政", "expected_completion": "2027-12-31",
        "location": "某地", "proposal_numbers": typed})
    assert page.status_code == 200
