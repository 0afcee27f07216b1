"""Open data and the JSON API: every dataset, stable addresses, and no personal data anywhere."""

import csv
import io
import json

import pytest
from sqlalchemy import select

from app.evaluation.messages import FIELD_DESCRIPTIONS
from proposals.collection import services as collection
from proposals.collection.models import Proposal
from proposals.collection.services import ProposalDraft
from proposals.evaluation import rounds as evaluation
from proposals.opendata.datasets import FIELDS, PUBLIC_DATASETS
from tests.functional.builders import CLOSE_DAY, community_place, rate_all
from votes.people import Role

CALLER = "热线来电人周某"  # a hotline caller's real name: never public
SECRET = "请打电话13800000000找我"  # a rating's comment: never public


@pytest.fixture
def published(db, cycle, admin, official, make_user, counted_ballot, completed, residents,
              delegate_seat):
    """Everything public at once: a named and an unnamed proposal, a hotline caller's, a
    counted ballot, a project rated (with a comment) and its round closed."""
    cycle.stage = "collection"  # proposals are made in collection; keep the test short
    named = collection.submit_proposal(db, make_user(Role.RESIDENT, name="实名居民"), cycle,
                                       ProposalDraft(title="增设路灯", description="晚上太暗",
                                                     category="public_safety",
                                                     community=community_place(db, "和平社区"),
                                                     proposer_named=True))
    collection.submit_proposal(db, official, cycle, ProposalDraft(
        title="修补道路", description="坑洼多", category="transport",
        community="和平社区", channel="hotline", proposer_name=CALLER))
    cycle.stage = "evaluation"
    db.commit()
    rate_all(db, completed, residents(2, prefix="匿名评价人"), ["satisfied", "dissatisfied"],
             comment=SECRET)
    evaluation.close_round(db, official, completed, today=CLOSE_DAY)
    db.commit()
    return named


def everything_public(client, cycle) -> str:
    """Every dataset in both formats, the API's lists and the report, as one text."""
    texts = []
    for name in PUBLIC_DATASETS:
        for fmt in ("csv", "json"):
            response = client.get(f"/data/{name}.{fmt}")
            assert response.status_code == 200, (name, fmt)
            texts.append(response.data.decode("utf-8-sig"))
    for path in ("cycles", "proposals", "candidates", "projects", "satisfaction", "ballots"):
        texts.append(client.get(f"/api/v1/{path}?per_page=200").text)
    texts.append(client.get(f"/cycles/{cycle.id}/report").text)
    return "\n".join(texts)


def test_no_personal_data_in_any_export_api_or_report(client, db, cycle, published, resident,
                                                      completed):
    text = everything_public(client, cycle)
    assert "实名居民" in text  # chose to be named
    for private in (CALLER, SECRET, resident.display_name, "匿名评价人0", resident.username,
                    "@"):
        assert private not in text, private
    rows = json.loads(client.get("/data/proposals.json").data)["rows"]
    by_title = {r["title"]: r for r in rows}
    assert by_title["修补道路"]["proposer_name"] is None
    assert by_title["老旧小区加装电梯"]["proposer_named"] is False
    assert by_title["增设路灯"]["proposer_name"] == "实名居民"


def test_the_open_data_page_lists_each_dataset_with_its_fields(client):
    client.get("/lang/en")
    page = client.get("/data").text
    for name in PUBLIC_DATASETS:
        assert f'href="/data/{name}.csv"' in page and f'href="/data/{name}.json"' in page
        for field in FIELDS[name]:
            assert f"<code>{field}</code>" in page
    assert "The resident's name, only when they chose to be named" in page
    assert all(field in FIELD_DESCRIPTIONS for fields in FIELDS.values() for field in fields)
    assert "/ballots/NUMBER/bulletin.json" in page and 'href="/api/v1/"' in page


def test_datasets_as_csv_and_json_agree_and_filter_by_cycle(client, db, cycle, published):
    as_csv = client.get("/data/proposals.csv")
    assert as_csv.data.startswith("\ufeff".encode())  # spreadsheets read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(as_csv.data.decode("utf-8-sig"))))
    data = json.loads(client.get("/data/proposals.json").data)
    assert data["fields"] == list(FIELDS["proposals"]) == list(rows[0])
    assert [r["id"] for r in data["rows"]] == [int(r["id"]) for r in rows]
    assert json.loads(client.get(f"/data/proposals.json?cycle={cycle.id}").data)["rows"]
    assert client.get("/data/proposals.json?cycle=999").status_code == 404
    assert client.get("/data/users.csv").status_code == 404
    hidden = db.scalar(select(Proposal).where(Proposal.title == "修补道路"))
    hidden.hidden = True
    db.commit()
    assert "修补道路" not in client.get("/data/proposals.csv").data.decode("utf-8-sig")
    ballots = json.loads(client.get("/data/ballots.json").data)["rows"]
    assert ballots[0]["yes"] == 1 and ballots[0]["bulletin_url"].endswith("/bulletin.json")
    candidates = list(csv.DictReader(io.StringIO(
        client.get("/data/candidates.csv").data.decode("utf-8-sig"))))
    assert candidates[0]["adopted"] == "true" and ";" in candidates[0]["source_proposal_ids"]


def test_the_api_pages_through_proposals(client, cycle, published):
    first = client.get(f"/api/v1/proposals?cycle={cycle.id}&per_page=2")
    assert first.mimetype == "application/json"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    body = first.get_json()
    assert body["meta"] == {"page": 1, "per_page": 2, "total": 4, "pages": 2,
                            "cycle": cycle.id}
    assert len(body["data"]) == 2 and body["links"]["prev"] is None
    second = client.get(body["links"]["next"]).get_json()
    assert second["links"]["next"] is None and len(second["data"]) == 2
    ids = [p["id"] for p in body["data"] + second["data"]]
    assert ids == sorted(set(ids))
    assert set(body["data"][0]) == set(FIELDS["proposals"])


def test_the_api_serves_cycles_candidates_ballots_projects_and_satisfaction(
        client, cycle, published, counted_ballot, completed):
    index = client.get("/api/v1/").get_json()
    assert set(index["endpoints"]) >= {"cycles", "proposals", "satisfaction", "ballots"}
    cycles = client.get("/api/v1/cycles").get_json()["data"]
    assert cycles[0]["satisfaction_bar"] == 80
    one = client.get(f"/api/v1/cycles/{cycle.id}").get_json()
    assert one["data"]["stage"] == "evaluation" and one["data"]["funnel"][0] == {
        "stage": "proposals", "count": 4}
    candidates = client.get(f"/api/v1/candidates?cycle={cycle.id}").get_json()["data"]
    assert candidates[0]["adopted"] is True
    ballot = client.get(f"/api/v1/ballots/{counted_ballot.id}").get_json()["data"]
    assert ballot["status"] == "published" and ballot["result"][0]["yes"] == 1
    assert ballot["bulletin_url"] == f"/ballots/{counted_ballot.id}/bulletin.json"
    listed = client.get(f"/api/v1/ballots?cycle={cycle.id}").get_json()["data"]
    assert listed[0]["id"] == counted_ballot.id
    projects = client.get(f"/api/v1/projects?cycle={cycle.id}").get_json()["data"]
    assert (projects[0]["progress"], projects[0]["status"], projects[0]["rectifying"]) == (
        100, "rectification", True)  # 50% of residents: below the bar
    rounds = client.get(f"/api/v1/satisfaction?cycle={cycle.id}").get_json()["data"]
    assert (rounds[0]["resident_total"], rounds[0]["resident_rate_percent"]) == (2, 50.0)
    assert rounds[0]["state"] == "below_bar"


def test_the_api_refuses_bad_parameters_and_unknown_things_in_json(client, db, official,
                                                                   cycle):
    assert client.get("/api/v1/proposals?page=0").status_code == 400
    bad = client.get("/api/v1/proposals?per_page=1000")
    assert bad.status_code == 400 and bad.get_json() == {"error": "bad_parameter",
                                                         "parameter": "per_page"}
    assert client.get("/api/v1/proposals?cycle=abc").status_code == 400
    missing = client.get("/api/v1/cycles/999")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    assert client.get("/api/v1/proposals?cycle=999").status_code == 404
    assert client.get("/api/v1/ballots/999").status_code == 404
    assert client.post("/api/v1/proposals").status_code == 405  # read-only
    far = client.get("/api/v1/proposals?page=50").get_json()
    assert far["data"] == [] and far["links"]["next"] is None


def test_a_proposal_shows_its_proposer_only_if_they_chose_to_be_named(
        client, db, login, published, official, cycle, resident, propose):
    client.get("/lang/en")
    hotline = db.scalar(select(Proposal).where(Proposal.title == "修补道路"))
    page = client.get(f"/proposals/{hotline.id}").text
    assert CALLER not in page and "<dd>Resident" in page
    assert "实名居民" in client.get(f"/proposals/{published.id}").text
    login(official)
    client.get("/lang/en")
    seen = client.get(f"/proposals/{hotline.id}").text
    assert f"{CALLER} — not shown publicly" in seen  # officials follow up with the caller


def test_the_forms_ask_and_default_to_unnamed(client, db, login, cycle, resident, official):
    login(resident)
    client.get("/lang/en")
    form = client.get(f"/resident/cycles/{cycle.id}/propose").text
    assert "Show my name with this proposal" in form
    assert 'name="proposer_named" type="checkbox" value="y">' in form  # not checked
    base = {"title": "增加垃圾分类点", "description": "分类点太少", "category": "environment",
            "district": "测试区", "street": "长江街道", "community": "和平社区"}
    client.post(f"/resident/cycles/{cycle.id}/propose", data=base)
    client.post(f"/resident/cycles/{cycle.id}/propose",
                data={**base, "title": "增加快递柜", "proposer_named": "y"})
    client.post("/account/logout")
    login(official)
    client.get("/lang/en")
    entry = client.get(f"/official/cycles/{cycle.id}/enter").text
    assert "The resident agrees to be named" in entry
    client.post(f"/official/cycles/{cycle.id}/enter",
                data={**base, "title": "修缮凉亭", "channel": "visit", "proposer_name": "走访对象",
                      "proposer_named": "y"})
    named = dict(db.execute(select(Proposal.title, Proposal.proposer_named)).all())
    assert named == {"增加垃圾分类点": False, "增加快递柜": True, "修缮凉亭": True}


def test_imported_callers_are_never_named(db, cycle, official):
    from proposals.collection.importing import community_streets, parse_import

    community_place(db, "和平社区")
    sample = ("标题,描述,类别,街道,社区,渠道,反映人\n"
              "路灯不亮,晚上看不见,公共安全,长江街道,和平社区,12345热线,来电人甲\n")
    report = parse_import(sample.encode("utf-8"), "calls.csv", today=cycle.collection_starts,
                          communities=community_streets(db))
    assert report.ok, report.errors
    (made,) = collection.import_rows(db, official, cycle, report.rows)
    assert made.proposer_named is False and made.proposer_name == "来电人甲"
