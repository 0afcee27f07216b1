"""The read-only JSON API (v1): the open datasets page by page; see docs/api.md."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from app.api import bp
from app.api.openapi import LIST_DATASETS as LISTS
from app.api.openapi import PER_PAGE, PER_PAGE_MAX, openapi_document
from app.auth.access import PUBLIC, allow
from app.db import get_session
from app.implementation.support import today
from app.numbers import ID_MAX, whole_number
from proposals.cycles.models import Cycle
from proposals.opendata import datasets as opendata
from proposals.opendata.datasets import FIELDS, plain
from proposals.shortlist.adoption import cycle_of
from votes import casting
from votes.ballots import Ballot, BallotStatus
from votes.closing import COUNTED, ballot_result


class BadRequest(Exception):
    def __init__(self, parameter: str) -> None:
        super().__init__(parameter)
        self.parameter = parameter


def _error(status: int, code: str, **detail) -> Response:
    response = jsonify({"error": code, **detail})
    response.status_code = status
    return response


@bp.errorhandler(BadRequest)
def _bad_request(error: BadRequest) -> Response:
    return _error(400, "bad_parameter", parameter=error.parameter)


@bp.after_request
def _open_to_all(response: Response) -> Response:
    # Public data, read-only and without cookies' help: any site's scripts may read it.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _number(name: str, default: int | None = None, *, low: int = 1,
            high: int = ID_MAX) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    number = whole_number(value, low=low, high=high)
    if number is None:
        raise BadRequest(name)
    return number


def _row(name: str, row: dict) -> dict:
    return {field: plain(row[field]) for field in FIELDS[name]}


def _listing(name: str):
    """One page of a dataset: data, the page's place in the whole, and links."""
    db = get_session()
    cycle_id = _number("cycle")
    if cycle_id is not None and db.get(Cycle, cycle_id) is None:
        return _error(404, "not_found", resource="cycle", id=cycle_id)
    page = _number("page", 1)
    per_page = _number("per_page", PER_PAGE, high=PER_PAGE_MAX)
    total = opendata.dataset_count(db, name, cycle_id)
    pages = max(1, -(-total // per_page))
    rows = opendata.dataset_rows(db, name, today=today(), cycle_id=cycle_id,
                                 offset=(page - 1) * per_page, limit=per_page)

    def link(number: int) -> str:
        args = {"page": number, "per_page": per_page}
        if cycle_id is not None:
            args["cycle"] = cycle_id
        return url_for(f"api.{name}", **args)

    return jsonify({
        "data": [_row(name, row) for row in rows],
        "meta": {"page": page, "per_page": per_page, "total": total, "pages": pages,
                 "cycle": cycle_id},
        "links": {"self": link(page), "next": link(page + 1) if page < pages else None,
                  "prev": link(page - 1) if 1 < page <= pages else None},
    })


@bp.route("/")
@allow(PUBLIC)
def index():
    return jsonify({
        "version": 1, "documentation": "docs/api.md", "openapi": url_for("api.openapi"),
        "endpoints": {name: url_for(f"api.{name}") for name in (*LISTS, "ballots")},
        "datasets": {name: list(FIELDS[name]) for name in opendata.PUBLIC_DATASETS},
    })


@bp.route("/<path:rest>")
@allow(PUBLIC)
def unknown(rest: str):
    """Any other address under the API, or an id that is not a whole number in range: a
    program reading JSON gets its 404 in JSON, not the site's page for people."""
    return _error(404, "not_found", resource="endpoint")


@bp.route("/openapi.json")
@allow(PUBLIC)
def openapi():
    """This API described in OpenAPI 3.1, for client generators and schema-driven tests."""
    return jsonify(openapi_document())


@bp.route("/cycles")
@allow(PUBLIC)
def cycles():
    return _listing("cycles")


def _missing(resource: str, text: str) -> Response:
    number = whole_number(text)
    return _error(404, "not_found", resource=resource,
                  **({"id": number} if number is not None else {}))


# The ids are read here, not by the app's `int` converter, whose refusal (0, 2**40) is the
# site's HTML 404: a program gets every 404 of the API in JSON.
@bp.route("/cycles/<cycle_id>")
@allow(PUBLIC)
def cycle(cycle_id: str):
    """A cycle with its funnel and the addresses of its data."""
    db = get_session()
    number = whole_number(cycle_id)
    found = db.get(Cycle, number) if number is not None else None
    if found is None:
        return _missing("cycle", cycle_id)
    rounds = opendata.round_results(db, found.id, latest_only=True)
    return jsonify({
        "data": {**_row("cycles", opendata.cycle_row(found)),
                 "funnel": opendata.funnel_rows(db, found.id, rounds)},
        "links": {name: url_for(f"api.{name}", cycle=found.id)
                  for name in ("proposals", "candidates", "ballots", "projects",
                               "satisfaction")},
    })


@bp.route("/proposals")
@allow(PUBLIC)
def proposals():
    return _listing("proposals")


@bp.route("/candidates")
@allow(PUBLIC)
def candidates():
    return _listing("candidates")


@bp.route("/projects")
@allow(PUBLIC)
def projects():
    return _listing("projects")


@bp.route("/satisfaction")
@allow(PUBLIC)
def satisfaction():
    return _listing("satisfaction")


@bp.route("/ballots")
@allow(PUBLIC)
def ballots():
    """The counted ballots deciding cycles (few: one or two a year), without their rows."""
    db = get_session()
    cycle_id = _number("cycle")
    if cycle_id is not None and db.get(Cycle, cycle_id) is None:
        return _error(404, "not_found", resource="cycle", id=cycle_id)
    found = opendata.counted_ballots(db, cycle_id)
    return jsonify({"data": [
        {"id": b.id, "cycle_id": cid, "title": b.title, "status": b.status,
         "url": url_for("api.ballot", ballot_id=b.id)} for cid, b in found]})


@bp.route("/ballots/<ballot_id>")
@allow(PUBLIC)
def ballot(ballot_id: str):
    """A ballot's result per candidate once counted; while open, only the turnout."""
    db = get_session()
    number = whole_number(ballot_id)
    found = db.get(Ballot, number) if number is not None else None
    if found is None or found.status == BallotStatus.DRAFT:
        return _missing("ballot", ballot_id)
    cycle = cycle_of(db, found)
    cast, entitled = casting.turnout(db, found)
    data = {"id": found.id, "title": found.title, "status": found.status,
            "cycle_id": cycle.id if cycle else None, "assembly": found.assembly.name,
            "mode": found.mode, "secret": found.rules.secret, "ballots_cast": cast,
            "entitled": entitled, "opened_at": plain(found.opened_at),
            "closed_at": plain(found.closed_at), "published_at": plain(found.published_at),
            "bulletin_url": None, "result": None}
    if found.status in COUNTED:
        result = ballot_result(db, found)
        data["present"], data["valid"] = result["present"], result["valid"]
        data["result"] = [_row("ballots", row) for row in opendata.ballot_rows_of(
            cycle.id if cycle else None, found, result)]
        if found.status == BallotStatus.PUBLISHED:
            data["bulletin_url"] = url_for("public.bulletin", ballot_id=found.id)
    return jsonify({"data": data})
