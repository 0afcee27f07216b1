"""The request log (app/logs.py): one JSON line a request, and nothing about the person."""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime

import pytest

from app import create_app
from app.auth.access import PUBLIC, allow
from app.config import ConfigError, load_config
from app.logs import LOGGER_NAME
from tests.conftest import PASSWORD, environ_for
from tests.functional.builders import TELLER_PASSPHRASE, new_ballot, unlock_all
from votes.ballots import Ballot
from votes.people import Role, add_member

FIELDS = {"time", "request_id", "method", "endpoint", "rule", "status", "duration_ms", "size",
          "signed_in"}


def lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]


def everything_logged(caplog) -> str:
    """Every record of every logger, as text: messages, arguments, extras, tracebacks."""
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.args), repr(vars(record))]
    return "\n".join(parts)


@pytest.fixture
def voter(db, make_user, admin, assembly):
    person = make_user(Role.DELEGATE, username="lidaibiao", name="李代表人")
    add_member(db, assembly, person, admin, joined_on=date(2024, 1, 1))
    db.commit()
    return person


def test_each_request_gives_one_json_line_with_its_fields(client, caplog, resident, login):
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        client.get("/")
        client.get("/no/such/page")
        login(resident)
        client.get("/")
    first, missing, signing_in, signed_in = lines(caplog)
    for line in (first, missing, signing_in, signed_in):
        assert set(line) == FIELDS
        assert line["time"].endswith("Z")
        assert datetime.fromisoformat(line["time"].replace("Z", "+00:00")).utcoffset().seconds == 0
        assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
        assert line["duration_ms"] >= 0
    assert (first["method"], first["endpoint"], first["rule"], first["status"]) == (
        "GET", "public.home", "/", 200)
    assert first["size"] > 0 and first["signed_in"] is False
    assert (missing["endpoint"], missing["rule"], missing["status"]) == (None, None, 404)
    assert (signing_in["method"], signing_in["rule"], signing_in["status"]) == (
        "POST", "/account/login", 302)
    assert signed_in["signed_in"] is True
    assert len({line["request_id"] for line in (first, missing, signing_in, signed_in)}) == 4


def test_the_route_is_logged_as_its_pattern_never_the_path(client, caplog, db, official,
                                                           assembly, voter, login):
    ballot = new_ballot(db, official, assembly)
    login(voter)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        client.get(f"/delegate/ballots/{ballot.id}")
    [line] = lines(caplog)
    assert line["rule"] == "/delegate/ballots/<int:ballot_id>"
    assert line["endpoint"] == "delegates.ballot" and line["status"] == 200
    assert f"/{ballot.id}" not in caplog.text


def test_a_secret_ballot_leaves_no_trace_of_who_voted_what_in_any_log(
        client, caplog, db, official, assembly, voter, login):
    ballot = new_ballot(db, official, assembly)
    marks = dict(zip((f"option-{o.id}" for o in ballot.options), ["yes", "no", "abstain"],
                     strict=True))
    caplog.set_level(logging.DEBUG)  # the root: every logger's records, whatever their level
    login(voter)
    client.post(f"/delegate/ballots/{ballot.id}/check-in", data={"code": ballot.check_in_code})
    review = client.post(f"/delegate/ballots/{ballot.id}/review", data=marks)
    assert review.status_code == 200 and "请核对" in review.text
    cast = client.post(f"/delegate/ballots/{ballot.id}/cast", data=marks)
    tracker = re.search(r'<p class="code" id="receipt">([A-Z0-9-]+)</p>', cast.text).group(1)
    client.post("/account/logout")
    login(official)
    unlock = {f"unlock-{teller_id}": passphrase
              for teller_id, passphrase in unlock_all(db, ballot).items()}
    closed = client.post(f"/official/ballots/{ballot.id}/close", data=unlock)
    assert closed.status_code == 302, closed.text
    db.expire_all()
    assert db.get(Ballot, ballot.id).status == "closed"

    logged = everything_logged(caplog)
    assert len(lines(caplog)) == 7  # sign-in, check-in, review, cast, sign-out, sign-in, close
    assert [line["status"] for line in lines(caplog)] == [302, 302, 200, 200, 302, 302, 302]
    for secret in (tracker, tracker.replace("-", ""), voter.username, voter.display_name,
                   official.username, official.display_name, TELLER_PASSPHRASE, PASSWORD,
                   ballot.check_in_code, "127.0.0.1", "option-", "unlock-"):
        assert secret.lower() not in logged.lower(), secret
    assert not re.search(r"\b(yes|abstain)\b", logged, re.IGNORECASE)
    assert not re.search(r"""[=:'"]\s*['"]?no\b""", logged, re.IGNORECASE)


def test_the_query_string_is_never_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    response = client.get("/proposals", query_string={"q": "某个搜索词", "page": "2"})
    assert response.status_code == 200
    [line] = lines(caplog)
    assert line["rule"] == "/proposals"
    for word in ("某个搜索词", "搜索", "q=", "page", "%E6%9F%90"):
        assert word not in everything_logged(caplog)


def test_the_request_id_is_sent_back_and_is_the_one_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        one = client.get("/", headers={"X-Request-Id": "chosen-by-the-client"})
        two = client.get("/no/such/page")
    first, second = lines(caplog)
    assert one.headers["X-Request-Id"] == first["request_id"]
    assert two.headers["X-Request-Id"] == second["request_id"]
    assert one.headers["X-Request-Id"] != two.headers["X-Request-Id"]
    assert "chosen-by-the-client" not in caplog.text  # a client cannot write into the log


def test_an_exception_logs_its_type_never_its_message(app, caplog):
    @app.route("/boom")
    @allow(PUBLIC)
    def boom():
        raise ValueError("what someone typed: 王秀英")

    with caplog.at_level(logging.INFO, logger=LOGGER_NAME), pytest.raises(ValueError):
        app.test_client().get("/boom")  # testing: the exception propagates, after the line
    [record] = [r for r in caplog.records if r.name == LOGGER_NAME]
    line = json.loads(record.getMessage())
    assert record.levelno == logging.ERROR
    assert (line["endpoint"], line["status"], line["error"]) == ("boom", 500, "builtins.ValueError")
    assert "王秀英" not in record.getMessage()


def test_yishi_request_log_0_turns_it_off(connection, tmp_path, caplog):
    assert load_config({}, instance=tmp_path)["REQUEST_LOG"] is True
    app = create_app(environ=environ_for(tmp_path, YISHI_REQUEST_LOG="0"))
    with caplog.at_level(logging.DEBUG, logger=LOGGER_NAME):
        response = app.test_client().get("/healthz")
    assert lines(caplog) == [] and "X-Request-Id" not in response.headers


def test_the_level_is_configurable_and_checked(tmp_path):
    assert load_config({}, instance=tmp_path)["REQUEST_LOG_LEVEL"] == "INFO"
    assert load_config({"YISHI_REQUEST_LOG_LEVEL": "error"},
                       instance=tmp_path)["REQUEST_LOG_LEVEL"] == "ERROR"
    with pytest.raises(ConfigError):
        load_config({"YISHI_REQUEST_LOG_LEVEL": "LOUD"}, instance=tmp_path)
