"""The OpenAPI 3.1 description of the JSON API (v1); its row schemas are built from FIELDS."""

from __future__ import annotations

from enum import Enum

from app.numbers import ID_MAX
from proposals.collection.models import Category, Channel, ProposalStatus
from proposals.cycles.stages import Stage
from proposals.evaluation.satisfaction import RaterKind
from proposals.implementation.progress import Light
from proposals.implementation.progress import Status as ProjectStatus
from proposals.opendata.datasets import FIELDS, PUBLIC_DATASETS
from votes.ballots import BallotMode, BallotStatus
from votes.rules import Status as Outcome

LIST_DATASETS = ("cycles", "proposals", "candidates", "projects", "satisfaction")
# Every dataset whose rows the API serves (the report's "categories" is not one of them).
ROW_DATASETS = (*PUBLIC_DATASETS, "funnel")
PER_PAGE, PER_PAGE_MAX = 50, 200  # the API's paging, which routes.py applies

INT = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
ID = {"type": "integer", "minimum": 1}
TEXT = {"type": "string"}
BOOL = {"type": "boolean"}
DAY = {"type": "string", "format": "date"}
# Times are written by Python's isoformat() in UTC without an offset, which is not
# RFC 3339's date-time: described as text so no validator rejects a correct answer.
TIME = {"type": "string", "description": "ISO 8601 time in UTC, without an offset"}
URL = {"type": "string", "description": "an address on this site, from its root"}
RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 100,
        "description": "percent with one decimal; null when nobody rated"}


def nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


def codes(enum: type[Enum]) -> dict:
    return {"type": "string", "enum": [member.value for member in enum]}


# Field types shared by every dataset; DATASET_TYPES says where a dataset differs.
COMMON: dict[str, dict] = {
    "id": ID, "cycle_id": ID, "candidate_id": ID, "project_id": ID, "title": TEXT,
    "description": TEXT, "responsible_unit": TEXT, "location": TEXT, "category": TEXT,
}
DATASET_TYPES: dict[str, dict[str, dict]] = {
    "cycles": {
        "year": INT, "stage": codes(Stage), "assembly": TEXT, "assembly_kind": TEXT,
        **dict.fromkeys(("collection_starts", "shortlist_starts", "ballot_starts",
                         "implementation_starts", "evaluation_starts", "closes_on"), DAY),
        "budget": nullable(COUNT), "seats": nullable(COUNT), "satisfaction_bar": COUNT,
    },
    "proposals": {
        "category": codes(Category), "district": TEXT, "street": TEXT, "community": TEXT,
        "beneficiaries": nullable(COUNT), "channel": codes(Channel),
        "status": codes(ProposalStatus), "proposer_named": BOOL,
        "proposer_name": {**nullable(TEXT), "description": "null unless proposer_named"},
        "received_on": nullable(DAY), "created_at": TIME, "cosign_count": COUNT,
        "comment_count": COUNT, "merged_into_id": nullable(ID), "candidate_id": nullable(ID),
        "decline_ground": nullable(TEXT), "decline_reason": nullable(TEXT),
    },
    "candidates": {
        "estimated_cost": COUNT, "funding_source": TEXT, "expected_completion": DAY,
        "withdrawn": BOOL, "adopted": BOOL, "source_proposal_ids": {"type": "array",
                                                                     "items": ID},
    },
    "ballots": {
        "ballot_id": ID, "cycle_id": nullable(ID), "ballot_title": TEXT,
        "ballot_status": codes(BallotStatus), "valid": BOOL, "option_id": ID,
        "candidate_id": nullable(ID), "cost": COUNT, "yes": COUNT, "no": COUNT,
        "abstain": COUNT, "base": COUNT, "needed": nullable(COUNT), "passed": BOOL,
        "outcome": codes(Outcome), "rank": nullable(ID), "bulletin_url": nullable(URL),
    },
    "projects": {
        "budget": COUNT, "spend_to_date": nullable(COUNT), "start_date": DAY,
        "target_date": DAY, "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "status": codes(ProjectStatus), "light": codes(Light), "completed_on": nullable(DAY),
        "rectifying": BOOL,
    },
    "satisfaction": {
        "round_no": ID, "state": {"type": "string", "enum": ["open", "below_bar", "met_bar"]},
        "opened_at": TIME, "closed_at": nullable(TIME), "bar": COUNT,
        "below_bar": nullable(BOOL),
        **{f"{kind}_{part}": COUNT for kind in RaterKind
           for part in ("satisfied", "basically_satisfied", "dissatisfied", "total")},
        **{f"{kind}_rate_percent": RATE for kind in RaterKind},
    },
    "funnel": {"stage": TEXT, "count": COUNT},
}


def row_schema(name: str, **more: dict) -> dict:
    """Exactly the dataset's FIELDS (and `more`), each typed; a field without a type is an error."""
    types = {**COMMON, **DATASET_TYPES[name]}
    untyped = [field for field in FIELDS[name] if field not in types]
    if untyped:
        raise KeyError(f"{name}: give these fields a type in app/api/openapi.py: {untyped}")
    properties = {**{field: types[field] for field in FIELDS[name]}, **more}
    return {"type": "object", "additionalProperties": False, "required": list(properties),
            "properties": properties}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, **extra) -> dict:
    return {"type": "object", "required": list(properties), "properties": properties, **extra}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _parameter(name: str, where: str, description: str, *, low: int = 1, high: int = ID_MAX,
               default: int | None = None) -> dict:
    schema = {"type": "integer", "minimum": low, "maximum": high}
    if default is not None:
        schema["default"] = default
    return {"name": name, "in": where, "required": where == "path",
            "description": description, "schema": schema}


CYCLE = _parameter("cycle", "query", "only this cycle's rows; an unknown cycle answers 404")
PAGE = _parameter("page", "query", "the page, from 1; a page past the end has empty data",
                  default=1)
SIZE = _parameter("per_page", "query", "rows per page", high=PER_PAGE_MAX, default=PER_PAGE)
BAD = {"$ref": "#/components/responses/BadParameter"}
MISSING = {"$ref": "#/components/responses/NotFound"}


def _components() -> dict:
    schemas = {f"{name}_row": row_schema(name) for name in ROW_DATASETS}
    schemas["ListMeta"] = _obj({
        "page": ID, "per_page": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
        "total": COUNT, "pages": ID, "cycle": nullable(ID)}, additionalProperties=False)
    schemas["ListLinks"] = _obj({"self": URL, "next": nullable(URL), "prev": nullable(URL)},
                                additionalProperties=False)
    schemas["BadParameter"] = _obj({
        "error": {"const": "bad_parameter"},
        "parameter": {"type": "string", "enum": ["cycle", "page", "per_page"]}},
        additionalProperties=False)
    schemas["NotFound"] = {
        "type": "object", "additionalProperties": False, "required": ["error", "resource"],
        "properties": {
            "error": {"const": "not_found"},
            "resource": {"type": "string", "enum": ["cycle", "ballot", "endpoint"],
                         "description": "endpoint: no such address, or an id out of range"},
            "id": {**ID, "description": "the cycle's or ballot's id asked for"}}}
    for name in LIST_DATASETS:
        schemas[f"{name}_page"] = _obj({
            "data": {"type": "array", "items": _ref(f"{name}_row")},
            "meta": _ref("ListMeta"), "links": _ref("ListLinks")}, additionalProperties=False)
    schemas["Index"] = _obj({
        "version": {"const": 1}, "documentation": TEXT, "openapi": URL,
        "endpoints": {"type": "object", "additionalProperties": URL},
        "datasets": {"type": "object", "additionalProperties": {
            "type": "array", "items": TEXT}}})
    schemas["CycleDetail"] = _obj({
        "data": row_schema("cycles", funnel={"type": "array", "items": _ref("funnel_row")}),
        "links": {"type": "object", "additionalProperties": URL}})
    schemas["BallotSummary"] = _obj({
        "id": ID, "cycle_id": ID, "title": TEXT, "status": codes(BallotStatus), "url": URL},
        additionalProperties=False)
    schemas["BallotDetail"] = {
        "type": "object", "additionalProperties": False,
        "required": ["id", "title", "status", "cycle_id", "assembly", "mode", "secret",
                     "ballots_cast", "entitled", "opened_at", "closed_at", "published_at",
                     "bulletin_url", "result"],
        "properties": {
            "id": ID, "title": TEXT, "status": codes(BallotStatus),
            "cycle_id": {**nullable(ID), "description": "null for a ballot deciding no cycle"},
            "assembly": TEXT, "mode": codes(BallotMode), "secret": BOOL, "ballots_cast": COUNT,
            "entitled": COUNT, "opened_at": nullable(TIME), "closed_at": nullable(TIME),
            "published_at": nullable(TIME), "bulletin_url": nullable(URL),
            "present": {**COUNT, "description": "once counted"},
            "valid": {**BOOL, "description": "once counted"},
            "result": {"type": ["array", "null"], "items": _ref("ballots_row"),
                       "description": "null while the ballot is open"}}}
    return {
        "schemas": schemas,
        "responses": {
            "BadParameter": _json(_ref("BadParameter"),
                                  "page, per_page or cycle is not a whole number in range"),
            "NotFound": _json(_ref("NotFound"), "no such cycle or ballot (drafts are not public)"),
        },
    }


def _get(summary: str, ok: dict, parameters: list, *, errors: tuple = ()) -> dict:
    responses = {"200": _json(ok, summary)}
    for code, response in errors:
        responses[code] = response
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def _listing(name: str, summary: str) -> dict:
    return _get(summary, _ref(f"{name}_page"), [CYCLE, PAGE, SIZE],
                errors=(("400", BAD), ("404", MISSING)))


def openapi_document() -> dict:
    """The whole description, as served at /api/v1/openapi.json."""
    cycle_id = _parameter("cycle_id", "path", "the cycle's id")
    ballot_id = _parameter("ballot_id", "path", "the ballot's id")
    paths = {
        "/api/v1/": _get("the endpoints and each dataset's fields", _ref("Index"), []),
        "/api/v1/openapi.json": _get("this description", {"type": "object"}, []),
        "/api/v1/cycles": _listing("cycles", "cycles, newest first, paginated"),
        "/api/v1/cycles/{cycle_id}": _get(
            "one cycle with its funnel and the addresses of its data", _ref("CycleDetail"),
            [cycle_id], errors=(("404", MISSING),)),
        "/api/v1/proposals": _listing("proposals", "visible proposals, paginated"),
        "/api/v1/candidates": _listing("candidates", "candidates, paginated"),
        "/api/v1/ballots": _get(
            "counted ballots deciding cycles, with their addresses",
            _obj({"data": {"type": "array", "items": _ref("BallotSummary")}},
                 additionalProperties=False),
            [CYCLE], errors=(("400", BAD), ("404", MISSING))),
        "/api/v1/ballots/{ballot_id}": _get(
            "one ballot: while open its turnout, once counted its result per candidate",
            _obj({"data": _ref("BallotDetail")}, additionalProperties=False), [ballot_id],
            errors=(("404", MISSING),)),
        "/api/v1/projects": _listing("projects", "projects with progress and status, paginated"),
        "/api/v1/satisfaction": _listing("satisfaction", "one row per project and round"),
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Yishi open data API", "version": "1",
                 "description": "Read-only public datasets of the livelihood-project "
                                "pipeline; see docs/api.md. Only GET and HEAD are answered."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": _components(),
    }
