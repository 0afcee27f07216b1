"""The API answers as its OpenAPI description says, checked by schemathesis in-process (WSGI)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.openapi import ROW_DATASETS, openapi_document, row_schema
from proposals.collection import services as collection
from proposals.collection.services import ProposalDraft
from proposals.evaluation import rounds as evaluation
from proposals.opendata.datasets import FIELDS
from tests.functional.builders import DAY, community_place, new_ballot, rate_all

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 15  # per operation and mode: about a dozen operations, well under 30 s in all


@pytest.fixture
def demo(db, cycle, official, assembly, counted_ballot, completed, residents):
    """Data of every shape the API shows: a hotline proposal, a published ballot, an open
    ballot deciding no cycle, a completed project rated and its round closed."""
    cycle.stage = "collection"
    collection.submit_proposal(db, official, cycle, ProposalDraft(
        title="修补道路", description="坑洼多", category="transport",
        community=community_place(db, "和平社区"), channel="hotline", proposer_name="来电人"))
    cycle.stage = "evaluation"
    db.commit()
    rate_all(db, completed, residents(2), ["satisfied", "dissatisfied"])
    evaluation.close_round(db, official, completed, today=DAY, min_open_days=0)
    db.commit()
    opened = new_ballot(db, official, assembly, options=2)
    return {"cycle_id": cycle.id, "ballot_ids": (counted_ballot.id, opened.id)}


def test_every_row_schema_is_exactly_its_datasets_fields():
    for name in ROW_DATASETS:
        schema = row_schema(name)
        assert list(schema["properties"]) == list(FIELDS[name]) == schema["required"]
        assert schema["additionalProperties"] is False
    document = openapi_document()
    assert {f"{name}_row" for name in ROW_DATASETS} <= set(document["components"]["schemas"])


def test_the_description_is_served_and_linked(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.mimetype == "application/json"
    assert served.get_json() == openapi_document()
    assert served.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/").get_json()["openapi"] == "/api/v1/openapi.json"


def strategies(operation, demo) -> st.SearchStrategy:
    """Generated cases, valid and not, plus cases aimed at things that exist."""
    found = [operation.as_strategy(GenerationMode.POSITIVE),
             operation.as_strategy(GenerationMode.NEGATIVE)]
    names = {p.name for p in operation.path_parameters}
    if "cycle_id" in names:
        found.append(operation.as_strategy(path_parameters={"cycle_id": demo["cycle_id"]}))
    if "ballot_id" in names:
        found += [operation.as_strategy(path_parameters={"ballot_id": b})
                  for b in demo["ballot_ids"]]
    if any(p.name == "cycle" for p in operation.query):
        found.append(operation.as_strategy(query={"cycle": demo["cycle_id"]}))
    if any(p.name == "page" for p in operation.query):  # a page number the API refuses
        found.append(operation.as_strategy(query={"page": "0"}))
    return st.one_of(found)


def test_every_answer_conforms_to_the_description(app, demo):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # schemathesis leaves out the description's own address; every other path is tested.
    assert {o.path for o in operations} == set(openapi_document()["paths"]) - {
        "/api/v1/openapi.json"}
    statuses: set[tuple[str, int]] = set()
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategies(operation, demo))
        def answers(case):
            response = case.call()
            statuses.add((case.operation.path, response.status_code))
            case.validate_response(response, checks=CHECKS)

        answers()
    # The generated cases reached real rows and both kinds of error, not only 404s.
    assert ("/api/v1/cycles/{cycle_id}", 200) in statuses
    assert ("/api/v1/ballots/{ballot_id}", 200) in statuses
    assert ("/api/v1/proposals", 400) in statuses
