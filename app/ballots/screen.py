"""The hall's big screen (大屏) for one ballot, and the desk's switch for it (votes/hall.py).

The screen is a public page for the projector: the ballot's title and rules, its live
turnout (a static script asks `screen.json` every 1.5 s; the strict CSP stays), or, once
published, the adopted projects in rank order with their votes, the pass line, the seats
and budget used, the bulletin's digest and a QR code that opens the public result, where
any delegate checks their receipt.
"""

from __future__ import annotations

import io

import segno
from flask import Response, abort, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import HiddenField

from app.auth.access import PUBLIC, allow
from app.ballots.results import reading_order
from app.db import get_session, writing
from app.forms import FlaskForm
from app.officials import bp as officials_bp
from app.public import bp as public_bp
from votes import closing, hall, mixed
from votes.ballots import Ballot, BallotResult, BallotStatus
from votes.base import DomainError

# How often the screen asks for the turnout, in milliseconds (the page's data-every).
POLL_MS = 1000


class ScreenForm(FlaskForm):
    showing = HiddenField()


def _ballot(ballot_id: int) -> Ballot:
    found = get_session().get(Ballot, ballot_id)
    if found is None or found.status == BallotStatus.DRAFT:
        abort(404)
    return found


def _result(db, ballot: Ballot) -> dict | None:
    if ballot.status != BallotStatus.PUBLISHED:
        return None
    result = closing.ballot_result(db, ballot)
    adopted = closing.adopted_option_ids(db, ballot)
    options = {o.id: o for o in ballot.options}
    rows = [row | {"title": options[row["id"]].title} for row in
            reading_order(result["rows"], adopted)]
    stored = db.get(BallotResult, ballot.id)
    chosen = set(adopted)
    return {
        "rows": rows, "adopted": [r for r in rows if r["id"] in chosen],
        "others": [r for r in rows if r["id"] not in chosen],
        "needed": rows[0]["needed"] if rows else None,
        "base": rows[0]["base"] if rows else None,
        "cost": sum(options[i].cost for i in chosen),
        "digest": stored.bulletin_digest if stored is not None else None,
        "entitled": result["entitled"], "present": result["present"],
        "cast": result["ballots_cast"],
        "split": mixed.split(db, ballot, result),  # a mixed ballot's electronic and paper parts
    }


@public_bp.route("/ballots/<int:ballot_id>/screen")
@allow(PUBLIC)
def ballot_screen(ballot_id: int):
    db = get_session()
    ballot = _ballot(ballot_id)
    state = hall.screen_state(db, ballot)
    result = _result(db, ballot) if state.showing == hall.Showing.RESULT else None
    return render_template(
        "public/ballot_screen.html", ballot=ballot, rules=ballot.rules, state=state,
        result=result, every=POLL_MS,
        public_url=url_for("public.ballot_result", ballot_id=ballot.id, _external=True))


@public_bp.route("/ballots/<int:ballot_id>/screen.json")
@allow(PUBLIC)
def ballot_screen_data(ballot_id: int):
    state = hall.screen_state(get_session(), _ballot(ballot_id))
    data = {"showing": state.showing.value, "status": state.status.value,
            "entitled": state.entitled, "present": state.present, "cast": state.cast}
    if state.paper is not None:  # a ballot of paper and electronic
        data["paper"] = state.paper
    return jsonify(data)


@public_bp.route("/ballots/<int:ballot_id>/qr.svg")
@allow(PUBLIC)
def ballot_qr(ballot_id: int):
    """The public result's address as a QR code, drawn here as SVG (segno)."""
    ballot = _ballot(ballot_id)
    address = url_for("public.ballot_result", ballot_id=ballot.id, _external=True)
    out = io.BytesIO()
    segno.make(address, error="m").save(out, kind="svg", scale=10, border=2, dark="#000",
                                        light="#fff", xmldecl=False, svgns=True,
                                        title=_("The result online"))
    return Response(out.getvalue(), mimetype="image/svg+xml")


@officials_bp.route("/ballots/<int:ballot_id>/screen", methods=["POST"])
@allow("official")
def switch_screen(ballot_id: int):
    db = get_session()
    ballot = db.get(Ballot, ballot_id) or abort(404)
    form = ScreenForm()
    if form.validate_on_submit():
        labels = {hall.Showing.TITLE.value: _("the ballot and its rules"),
                  hall.Showing.TURNOUT.value: _("the turnout"),
                  hall.Showing.RESULT.value: _("the result")}
        with writing(begin=True, success=_("The big screen now shows %(what)s.",
                                           what=labels.get(form.showing.data, ""))):
            hall.show(db, current_user, ballot, form.showing.data or "")
    return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id) + "#screen")


@officials_bp.app_template_global("ballot_screen_panel")
def desk_screen(ballot: Ballot) -> dict | None:
    """What the desk's screen panel needs (officials/_ballot_screen.html): the choice, what
    is shown, and the switch's form; None for a draft, which has no screen yet."""
    try:
        state = hall.screen_state(get_session(), ballot)
    except DomainError:
        return None
    return {"state": state, "form": ScreenForm(),
            "may_show_result": ballot.status == BallotStatus.PUBLISHED}
