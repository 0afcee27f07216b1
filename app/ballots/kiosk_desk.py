"""The ballot desk's hall tablets: enrol and revoke tablets, print hall cards (votes/tablets.py).

Its panel is officials/_ballot_tablets.html, included on the desk; the enrolment code and
the cards' codes are shown once, on pages no browser keeps, and never stored.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import allow
from app.ballots.kiosk_forms import CardForm, RevokeForm, TabletForm, page, say
from app.collection.forms import ActionForm
from app.db import get_session, writing
from app.numbers import whole_number
from app.officials import bp as officials_bp
from votes import tablets
from votes.ballots import Ballot, BallotMode, BallotStatus
from votes.base import DomainError, utcnow


def _desk(ballot_id: int):
    return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id, _anchor="tablets"))


def _desk_ballot(ballot_id: int) -> Ballot:
    return get_session().get(Ballot, ballot_id) or abort(404)


@officials_bp.route("/ballots/<int:ballot_id>/tablets", methods=["POST"])
@allow("official")
def enrol_hall_tablet(ballot_id: int):
    """Enrol a tablet: its enrolment code is shown once, on this page, to type on it."""
    form = TabletForm()
    if not form.validate_on_submit():
        flash(say(DomainError("tablet_label_required")), "error")
        return _desk(ballot_id)
    with writing(begin=True, quiet=True) as work:
        tablet, code = tablets.enrol_tablet(get_session(), current_user,
                                            _desk_ballot(ballot_id), form.label.data)
    if not work.ok:
        flash(say(work.error), "error")
        return _desk(ballot_id)
    return page("enrolled.html", ballot=_desk_ballot(ballot_id), tablet=tablet, code=code,
                minutes=tablets.ENROL_MINUTES, address=url_for("public.hall", _external=True))


@officials_bp.route("/ballots/<int:ballot_id>/tablets/revoke", methods=["POST"])
@allow("official")
def revoke_hall_tablet(ballot_id: int):
    form = RevokeForm()
    tablet_id = whole_number((form.tablet.data or "").strip())
    if not form.validate_on_submit() or tablet_id is None or form.confirm.data is not True:
        flash(_("Nothing has changed yet: tick the box to confirm, then press the button "
                "again."), "error")
        return _desk(ballot_id)
    with writing(begin=True, quiet=True) as work:
        tablet = tablets.revoke_tablet(get_session(), current_user, tablet_id,
                                       _desk_ballot(ballot_id))
    if work.ok:
        flash(_("The tablet “%(label)s” no longer works for this ballot.", label=tablet.label),
              "success")
    else:
        flash(say(work.error), "error")
    return _desk(ballot_id)


def _cardspage(ballot_id: int, cards):
    return page("cards.html", ballot=_desk_ballot(ballot_id), cards=cards,
                address=url_for("public.hall", _external=True))


@officials_bp.route("/ballots/<int:ballot_id>/hall-cards", methods=["POST"])
@allow("official")
def issue_hall_cards(ballot_id: int):
    """New hall cards for everyone who has not voted, on a sheet to print (shown once)."""
    form = CardForm()
    issued, _used = tablets.card_counts(get_session(), _desk_ballot(ballot_id))
    if not ActionForm().validate_on_submit() or (issued and form.confirm.data is not True):
        flash(_("Nothing has changed yet: tick the box to confirm, then press the button "
                "again."), "error")
        return _desk(ballot_id)
    with writing(begin=True, quiet=True) as work:
        cards = tablets.issue_cards(get_session(), current_user, _desk_ballot(ballot_id))
    if not work.ok:
        flash(say(work.error), "error")
        return _desk(ballot_id)
    return _cardspage(ballot_id, cards)


@officials_bp.route("/ballots/<int:ballot_id>/hall-cards/one", methods=["POST"])
@allow("official")
def reissue_hall_card(ballot_id: int):
    """A new card for one delegate: lost, locked, or their turn ended without a ballot."""
    form = CardForm()
    number = whole_number((form.number.data or "").strip(), low=1, high=999_999)
    if not form.validate_on_submit() or number is None:
        flash(_("Type the delegate's number from the roster."), "error")
        return _desk(ballot_id)
    with writing(begin=True, quiet=True) as work:
        card = tablets.reissue_card(get_session(), current_user, _desk_ballot(ballot_id), number)
    if not work.ok:
        flash(say(work.error), "error")
        return _desk(ballot_id)
    return _cardspage(ballot_id, [card])


@officials_bp.app_template_global("hall_tablets_panel")
def desk_tablets(ballot: Ballot) -> dict | None:
    """What the desk's tablets panel needs (officials/_ballot_tablets.html); None for a
    paper ballot or one that has closed."""
    if ballot.mode == BallotMode.PAPER.value or ballot.status not in (
            BallotStatus.DRAFT.value, BallotStatus.OPEN.value):
        return None
    db = get_session()
    issued, used = tablets.card_counts(db, ballot)
    now = utcnow()
    return {"tablets": [(t, tablets.tablet_state(t, now)) for t in tablets.tablets_of(db, ballot)],
            "issued": issued, "used": used, "open": ballot.status == BallotStatus.OPEN.value,
            "entitled": ballot.entitled or 0}
