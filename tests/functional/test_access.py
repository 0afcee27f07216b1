"""Every route declares who may use it, and every route answers each role accordingly.

Adding a route without an access rule, or with a URL argument this test cannot fill,
makes this test fail: declare the rule with @allow(...) and add a sample value below, or
in a module tests/functional/<context>/access_samples.py whose add_samples(db, base)
returns more URL values (base holds the admin, assembly, cycle and the values below).
"""

import importlib
import importlib.util
import pkgutil
from datetime import date

import pytest
from flask import url_for

from app.auth.access import PUBLIC, ROLES, SIGNED_IN, access_rule
from proposals.collection.moderation import report
from proposals.collection.services import ProposalDraft, submit_proposal
from proposals.cycles.services import create_cycle
from proposals.cycles.stages import Stage
from proposals.implementation.models import Escalation, FollowUp, Inspection, Project
from proposals.shortlist.models import Candidate
from tests.functional.builders import community_place
from votes.casting import create_ballot
from votes.people import Role
from votes.rules import BallotRules

AS = ("anonymous", *ROLES)


def rules_of(app):
    return sorted(
        (rule.endpoint, sorted(rule.methods - {"HEAD", "OPTIONS"}), rule.arguments)
        for rule in app.url_map.iter_rules()
    )


@pytest.fixture
def samples(db, make_user, assembly):
    admin = make_user(Role.ADMIN, Role.OFFICIAL)
    dates = {s: date(2027, 1 + i, 1) for i, s in enumerate(Stage)}
    cycle = create_cycle(db, admin, assembly=assembly, title="2027年度民生实事项目",
                         year=2027, dates=dates)
    resident = make_user(Role.RESIDENT)
    proposal = submit_proposal(db, resident, cycle, ProposalDraft(
        title="样例建议", description="说明", category="other",
        community=community_place(db, "样例社区")))
    # Nobody reports their own proposal: another resident flags it.
    flagged = report(db, make_user(Role.RESIDENT), "proposal", proposal.id, "样例举报")
    candidate = Candidate(cycle_id=cycle.id, title="样例候选", description="说明",
                          responsible_unit="区住建委", estimated_cost=100, funding_source="区财政",
                          expected_completion=date(2027, 12, 31), location="某地",
                          created_by_id=admin.id)
    db.add(candidate)
    implementation = project_samples(db, admin, candidate)
    db.commit()
    ballot = create_ballot(db, admin, assembly, "cycle", cycle.id, "样例票决", BallotRules(),
                           [{"title": "样例候选", "cost": 100}])
    db.commit()
    values = {**implementation, "cycle_id": cycle.id, "assembly_id": assembly.id,
              "user_id": admin.id, "code": "en", "filename": "css/yishi.css",
              "proposal_id": proposal.id, "report_id": flagged.id,
              "key": "AAAAAAAAAAAAAAAAAAAAAAAA.png", "candidate_id": candidate.id,
              "ballot_id": ballot.id}
    base = {**values, "admin": admin, "assembly": assembly, "cycle": cycle,
            "candidate": candidate, "make_user": make_user}
    for module in feature_sample_modules():
        values.update(module.add_samples(db, base))
        db.commit()
    return values


def feature_sample_modules():
    import tests.functional as package

    return [importlib.import_module(f"{package.__name__}.{info.name}.access_samples")
            for info in pkgutil.iter_modules(package.__path__)
            if info.ispkg and importlib.util.find_spec(
                f"{package.__name__}.{info.name}.access_samples") is not None]


def project_samples(db, admin, candidate) -> dict:
    """A project with an inspection's follow-up and an escalation, for their URLs."""
    db.flush()
    project = Project(cycle_id=candidate.cycle_id, candidate_id=candidate.id, title="样例项目",
                      responsible_unit="区住建委", lead_official_id=admin.id, category="other",
                      location="某地", budget=100, start_date=date(2027, 4, 1),
                      target_date=date(2027, 12, 31), created_by_id=admin.id)
    db.add(project)
    db.flush()
    inspection = Inspection(project_id=project.id, inspected_on=date(2027, 5, 1),
                            participants="代表", findings="发现", recorded_by_id=admin.id)
    inspection.follow_ups.append(FollowUp(project_id=project.id, request="请答复"))
    escalation = Escalation(project_id=project.id, grounds="overdue", note="督办",
                            raised_by_id=admin.id)
    db.add_all([inspection, escalation])
    db.flush()
    return {"project_id": project.id, "follow_up_id": inspection.follow_ups[0].id,
            "escalation_id": escalation.id}


def test_every_route_declares_who_may_use_it(app):
    missing = [endpoint for endpoint, _, _ in rules_of(app) if access_rule(app, endpoint) is None]
    assert missing == [], f"routes without @allow(...): {missing}"


def expected(audiences: frozenset[str], who: str) -> str:
    if PUBLIC in audiences:
        return "allowed"
    if who == "anonymous":
        return "sign_in"
    if SIGNED_IN in audiences or who in audiences:
        return "allowed"
    return "forbidden"


@pytest.mark.parametrize("who", AS)
def test_each_route_answers_each_role_as_declared(app, client, make_user, login, samples, who):
    if who != "anonymous":
        login(make_user(who))
    seen = []
    for endpoint, methods, arguments in rules_of(app):
        unknown = set(arguments) - set(samples)
        assert not unknown, f"{endpoint}: add a sample value for {sorted(unknown)}"
        with app.test_request_context():
            url = url_for(endpoint, **{a: samples[a] for a in arguments})
        want = expected(access_rule(app, endpoint), who)
        for method in methods:
            if endpoint == "auth.logout":
                continue  # would end this test's session; covered in test_auth
            response = client.open(url, method=method)
            if want == "forbidden":
                assert response.status_code == 403, (endpoint, method, who)
            elif want == "sign_in":
                assert response.status_code == 302, (endpoint, method, who)
                assert response.headers["Location"].startswith("/account/login?next="), endpoint
            else:
                assert response.status_code not in (403, 500), (endpoint, method, who)
                assert not response.headers.get("Location", "").startswith("/account/login?"), (
                    endpoint, method, who)
            seen.append(endpoint)
    assert len(set(seen)) >= 15


def test_a_route_without_a_rule_is_refused(app, client):
    @app.route("/forgotten")
    def forgotten():
        return "should never be served"

    response = client.get("/forgotten")
    assert response.status_code == 403
    assert "should never be served" not in response.text
