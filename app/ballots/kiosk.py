"""Hall tablets (表决终端): the kiosk a delegate votes on in the hall (the desk: kiosk_desk.py).

An official enrols a tablet at the ballot desk and is shown an enrolment code once; typed on
the tablet's welcome page (`/hall`), it trades for the tablet's token (votes/tablets.py),
kept in a long-lived signed cookie (HttpOnly, SameSite=Strict, for /hall only). Nobody is
ever signed in on a tablet: where someone is, the kiosk refuses to run, so no ballot is made
under another person's account and no delegate's turn reaches the audit log.

A delegate's turn: number and hall card code → the ballot → review (the receipt code drawn
ahead and sealed in the form, app/ballots/receipts.py) → cast → the receipt → Done, or the
automatic return (static/js/kiosk.js). The turn lives only in the tablet's session and is
checked against the hash of its nonce on the tablet's row; the receipt page holds only the
receipt code, no longer who. Every page of a turn is no-store and is reached through a
redirect where it can be, so Back and Reload after Done come to the welcome screen; a form
posted again after the turn ended is refused in plain words.
"""

from __future__ import annotations

import hashlib
import time

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse

from app.auth.access import PUBLIC, allow
from app.ballots import receipts
from app.ballots.kiosk_forms import EnrolCodeForm, IdentifyForm, page, say
from app.ballots.marks import reviewable_choices, submitted_choices
from app.collection.forms import ActionForm
from app.db import get_session, writing
from app.extensions import limiter
from app.numbers import whole_number
from app.public import bp as public_bp
from votes import tablets
from votes.ballots import Ballot
from votes.people import User

COOKIE = "yishi_tablet"
COOKIE_DAYS = 30
TURN, RECEIPT = "hall_turn", "hall_receipt"
TURN_SECONDS = 15 * 60  # a turn left longer than this ends by itself
RECEIPT_SECONDS = 5 * 60
RETURN_AFTER = 60  # the receipt page returns to the welcome screen after this many seconds
IDLE_AFTER = 5 * 60  # a turn's page left untouched this long ends the turn


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="yishi-hall-tablet")


def _token() -> str | None:
    raw = request.cookies.get(COOKIE)
    try:
        return _serializer().loads(raw) if raw else None
    except BadSignature:
        return None


def _tablet() -> tablets.HallTablet | None:
    return tablets.tablet_for_token(get_session(), _token())


def _signed_in():
    return page("signed_in.html", 409)


def _turn(tablet) -> dict | None:
    turn = session.get(TURN)
    if (tablet is None or not isinstance(turn, dict) or turn.get("tablet") != tablet.id
            or turn.get("until", 0) < time.time()):
        return None
    return turn if tablets.turn_running(get_session(), tablet.id, turn.get("nonce")) else None


def _forget() -> None:
    """The delegate's turn and receipt leave the session; the tablet's language and CSRF
    token stay (a form posted again then reaches the refusal below, not a CSRF error)."""
    session.pop(TURN, None)
    session.pop(RECEIPT, None)


def _ended(tablet, code: str = "turn_ended"):
    _forget()
    return page("ended.html", 409, tablet=tablet, message=say(code))


def _welcome(tablet, form=None, *, status: int = 200, error: str | None = None):
    return page("welcome.html", status, tablet=tablet,
                ballot=get_session().get(Ballot, tablet.ballot_id),
                form=form or IdentifyForm(formdata=None), error=error,
                enrol_form=EnrolCodeForm(formdata=None))


def _ballotpage(tablet, turn: dict, ballot: Ballot, marks: dict):
    return page("ballot.html", tablet=tablet, ballot=ballot, rules=ballot.rules, marks=marks,
                voter=get_session().get(User, turn["user"]), form=ActionForm(),
                idle_after=IDLE_AFTER)


def _running():
    """(tablet, turn, ballot) of the running turn, or the page that answers instead."""
    if current_user.is_authenticated:
        return None, _signed_in()
    tablet = _tablet()
    turn = _turn(tablet)
    if turn is None:
        return None, _ended(tablet) if request.method == "POST" else redirect(
            url_for("public.hall"), 303)
    if request.method == "POST" and not ActionForm().validate_on_submit():
        abort(400)
    return (tablet, turn, get_session().get(Ballot, tablet.ballot_id)), None


@public_bp.route("/hall")
@allow(PUBLIC)
def hall():
    """The tablet's welcome screen; a device not enrolled asks for its enrolment code."""
    if current_user.is_authenticated:
        return _signed_in()
    tablet = _tablet()
    if tablet is None:
        return page("enrol.html", form=EnrolCodeForm(formdata=None), stale=_token() is not None)
    if _turn(tablet) is not None:
        return redirect(url_for("public.hall_ballot"), 303)
    return _welcome(tablet)


@public_bp.route("/hall/enrol", methods=["POST"])
@allow(PUBLIC)
@limiter.limit("10 per minute")
def hall_enrol():
    if current_user.is_authenticated:
        return _signed_in()
    form = EnrolCodeForm()
    if form.validate_on_submit():
        with writing(begin=True, quiet=True) as work:
            _claimed, token = tablets.claim_tablet(get_session(), form.code.data)
        if work.ok:
            _forget()
            response = redirect(url_for("public.hall"), 303)
            response.set_cookie(
                COOKIE, _serializer().dumps(token), max_age=COOKIE_DAYS * 86400, path="/hall",
                httponly=True, samesite="Strict",
                secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
            return response
        error = say(work.error)
    else:
        error = _("Type the enrolment code shown on the ballot desk.")
    form.code.data = ""
    return page("enrol.html", 422, form=form, error=error, stale=False)


def _tablet_key() -> str:
    """Tries are paced per tablet: every tablet of a hall may share one address."""
    raw = request.cookies.get(COOKIE) or request.remote_addr or ""
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _code_limit():
    return parse(current_app.config.get("HALL_CODE_RATE_LIMIT", "10 per minute"))


@public_bp.route("/hall/identify", methods=["POST"])
@allow(PUBLIC)
def hall_identify():
    """A delegate's number and hall card code begin their turn (and check them in)."""
    if current_user.is_authenticated:
        return _signed_in()
    tablet = _tablet()
    if tablet is None:
        return redirect(url_for("public.hall"), 303)
    # Only refusals count against the pace (the shared limiter's storage, app/extensions.py).
    if not limiter.limiter.test(_code_limit(), "hall-identify", _tablet_key()):
        return _welcome(tablet, status=429, error=_(
            "Too many wrong codes on this tablet. Wait a minute and try again, or ask an "
            "official at the desk."))
    form = IdentifyForm()
    number = whole_number((form.number.data or "").strip(), low=1, high=999_999)
    valid = form.validate_on_submit() and number is not None
    form.code.data = ""  # a code typed is never shown again
    if not valid:
        limiter.limiter.hit(_code_limit(), "hall-identify", _tablet_key())
        return _welcome(tablet, form, status=422,
                        error=_("Type your delegate number and the code on your hall card."))
    tablet_id = tablet.id
    with writing(begin=True, quiet=True) as work:
        found = tablets.identify(get_session(), tablet_id, number, request.form.get("code"))
    if not work.ok:  # the tablet was revoked, or the ballot is not open
        still = _tablet()
        if still is None:
            return redirect(url_for("public.hall"), 303)
        return _welcome(still, status=409, error=say(work.error))
    if found.refusal:
        limiter.limiter.hit(_code_limit(), "hall-identify", _tablet_key())
        return _welcome(tablet, form, status=422, error=say(found.refusal))
    _forget()
    session[TURN] = {"tablet": tablet_id, "user": found.user_id, "nonce": found.nonce,
                     "until": int(time.time()) + TURN_SECONDS}
    return redirect(url_for("public.hall_ballot"), 303)


@public_bp.route("/hall/ballot", methods=["GET", "POST"])
@allow(PUBLIC)
def hall_ballot():
    """The turn's ballot; posted from the review page ("go back and change") with its marks."""
    running, answer = _running()
    if answer is not None:
        return answer
    tablet, turn, ballot = running
    marks = submitted_choices(ballot) if request.method == "POST" else {}
    return _ballotpage(tablet, turn, ballot, marks)


@public_bp.route("/hall/review", methods=["POST"])
@allow(PUBLIC)
def hall_review():
    running, answer = _running()
    if answer is not None:
        return answer
    tablet, turn, ballot = running
    marks, allowed = reviewable_choices(ballot)
    if not allowed:
        return _ballotpage(tablet, turn, ballot, marks)
    tracker, seal = receipts.issue(ballot.id, turn["user"])
    return page("review.html", tablet=tablet, ballot=ballot, rules=ballot.rules, marks=marks,
                tracker=tracker, seal=seal, form=ActionForm(), idle_after=IDLE_AFTER)


ENDING = frozenset({"turn_ended", "tablet_revoked", "already_voted", "not_open",
                    "not_on_roster", "took_paper_ballot"})


@public_bp.route("/hall/cast", methods=["POST"])
@allow(PUBLIC)
def hall_cast():
    running, answer = _running()
    if answer is not None:
        return answer
    tablet, turn, ballot = running
    marks = submitted_choices(ballot)
    receipt = receipts.posted(ballot.id, turn["user"])
    if receipt is False:
        flash(_("This receipt code is not the one your review page gave you. Nothing was "
                "recorded: review your ballot again."), "error")
        return _ballotpage(tablet, turn, ballot, marks)
    tablet_id, ballot_id = tablet.id, ballot.id
    with writing(begin=True, quiet=True) as work:
        tracker = tablets.cast_at_tablet(get_session(), tablet_id, turn["nonce"], turn["user"],
                                         marks, tracker=receipt)
    if not work.ok:
        if work.error.code in ENDING:
            return _ended(_tablet(), work.error.code)
        flash(say(work.error), "error")  # the marks come back with the page
        return _ballotpage(_tablet(), turn, get_session().get(Ballot, ballot_id), marks)
    _forget()
    session[RECEIPT] = {"tablet": tablet_id, "ballot": ballot_id, "tracker": tracker,
                        "until": int(time.time()) + RECEIPT_SECONDS}
    return redirect(url_for("public.hall_receipt"), 303)


@public_bp.route("/hall/receipt")
@allow(PUBLIC)
def hall_receipt():
    """The receipt, until Done: the session holds the code and the ballot, no longer who."""
    if current_user.is_authenticated:
        return _signed_in()
    tablet, shown = _tablet(), session.get(RECEIPT)
    if (tablet is None or not isinstance(shown, dict) or shown.get("tablet") != tablet.id
            or shown.get("until", 0) < time.time()):
        _forget()
        return redirect(url_for("public.hall"), 303)
    return page("receipt.html", tablet=tablet, ballot=get_session().get(Ballot, shown["ballot"]),
                tracker=shown["tracker"], form=ActionForm(),
                return_after=current_app.config.get("HALL_RETURN_SECONDS", RETURN_AFTER))


@public_bp.route("/hall/done", methods=["POST"])
@allow(PUBLIC)
def hall_done():
    """Done after the receipt, or leaving without voting: the tablet forgets the delegate."""
    if current_user.is_authenticated:
        return _signed_in()
    tablet, turn = _tablet(), session.get(TURN)
    if tablet is not None and isinstance(turn, dict) and _turn(tablet) is not None:
        tablet_id = tablet.id
        with writing(begin=True, quiet=True):
            tablets.end_turn(get_session(), tablet_id, turn.get("nonce"))
        flash(_("You left without voting. Your hall card is used: to vote, ask an official at "
                "the desk for a new card."), "info")
    _forget()
    return redirect(url_for("public.hall"), 303)
