"""Public ballot pages: turnout while open; after closing the result, chart and downloads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import Response, abort, render_template, request, send_file
from sqlalchemy import select

from app.auth.access import PUBLIC, allow
from app.ballots.charts import result_chart
from app.ballots.forms import TrackerForm
from app.ballots.results import every_choice, reading_order
from app.db import get_session
from app.public import bp
from proposals.sheets import safe_cell
from votes import casting, closing
from votes.ballots import Ballot, BallotResult, BallotStatus, RollCallVote
from votes.base import DomainError
from votes.bulletin import find_by_tracker, published_bulletin
from votes.closing import COUNTED
from votes.people import User

VERIFIER = Path(__file__).resolve().parents[2] / "scripts" / "verify_bulletin.py"


def _ballot(ballot_id: int) -> Ballot:
    found = get_session().get(Ballot, ballot_id)
    if found is None or found.status == BallotStatus.DRAFT:
        abort(404)
    return found


@bp.route("/ballots/<int:ballot_id>")
@allow(PUBLIC)
def ballot_result(ballot_id: int):
    db = get_session()
    ballot = _ballot(ballot_id)
    result = figure = roll_call = ties = rows = None
    if ballot.status in COUNTED:
        result = closing.ballot_result(db, ballot)
        ties = closing.tie_state(db, ballot)  # settlements of a tie and what followed them
        rows = reading_order(result["rows"], ties.adopted)
        figure = result_chart(ballot, {**result, "rows": rows})
        if not ballot.rules.secret:
            option_ids = [o.id for o in ballot.options]
            roll_call = [(name, every_choice(choices, option_ids, ballot.rules.method))
                         for name, choices in db.execute(
                select(User.display_name, RollCallVote.choices)
                .join(User, User.id == RollCallVote.user_id)
                .where(RollCallVote.ballot_id == ballot_id).order_by(User.display_name))]
    tracker_form = TrackerForm(request.args)
    found = None
    if ballot.status == BallotStatus.PUBLISHED and request.args.get("tracker"):
        found = find_by_tracker(db, ballot_id, request.args["tracker"]) or False
        if found:  # every option, abstentions included, not only those the ballot stores
            found = dict(found, every=every_choice(found["choices"],
                                                   [o.id for o in ballot.options],
                                                   ballot.rules.method))
    return render_template(
        "public/ballot.html", ballot=ballot, result=result, rows=rows, figure=figure,
        turnout=casting.turnout(db, ballot), rules=ballot.rules,
        options={o.id: o for o in ballot.options}, roll_call=roll_call,
        tracker_form=tracker_form, found=found, ties=ties,
    )


@bp.route("/ballots/<int:ballot_id>/bulletin.json")
@allow(PUBLIC)
def bulletin(ballot_id: int):
    db = get_session()
    _ballot(ballot_id)
    try:
        text = published_bulletin(db, ballot_id)
    except DomainError:
        abort(404)
    return Response(text.encode("utf-8"), mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=ballot-{ballot_id}-bulletin.json"})


@bp.route("/ballots/<int:ballot_id>/results.csv")
@allow(PUBLIC)
def results_csv(ballot_id: int):
    db = get_session()
    ballot = _ballot(ballot_id)
    try:
        result = closing.ballot_result(db, ballot)
    except DomainError:
        abort(404)
    names = {o.id: o for o in ballot.options}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["option_id", "title", "cost", "yes", "no", "abstain", "base", "needed",
                     "passed", "status", "rank"])
    for row in result["rows"]:
        writer.writerow([row["id"], safe_cell(names[row["id"]].title), row["cost"], row["yes"],
                         row["no"],
                         row["abstain"], row["base"], row["needed"], row["passed"],
                         row["status"], row["rank"]])
    return Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=ballot-{ballot_id}-results.csv"})


@bp.route("/ballots/<int:ballot_id>/check")
@allow(PUBLIC)
def ballot_check(ballot_id: int):
    """How anyone checks the count, in plain words: in this browser, or with the verifier."""
    db = get_session()
    ballot = _ballot(ballot_id)
    stored = db.get(BallotResult, ballot_id)
    digest = stored.bulletin_digest if ballot.status == BallotStatus.PUBLISHED else None
    return render_template("public/ballot_check.html", ballot=ballot, digest=digest)


@bp.route("/ballots/verify_bulletin.py")
@allow(PUBLIC)
def bulletin_verifier():
    """The standalone verifier, as it is in the repository: Python 3's standard library only."""
    return send_file(VERIFIER, mimetype="text/x-python", as_attachment=True,
                     download_name="verify_bulletin.py", max_age=3600)
