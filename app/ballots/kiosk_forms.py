"""Forms and words of the hall tablets, shared by the kiosk (kiosk.py) and the desk's panel
(kiosk_desk.py): refusals said in plain words, and the one way their pages are answered."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from app.ballots.private import no_store
from app.forms import FlaskForm
from app.messages import domain_message
from votes import tablets
from votes.base import DomainError

WORDS = {
    "wrong_card": _l("That delegate number and hall card code do not match a card that can "
                     "still be used. Check both and type them again. A card works only once: "
                     "if yours was used, ask an official at the desk for a new one."),
    "card_locked": _l("This hall card is locked after too many wrong codes. Ask an official at "
                      "the desk for a new card."),
    "turn_ended": _l("This delegate's turn at the tablet has ended, so nothing was done with "
                     "what this page sent. The tablet is ready for the next delegate."),
    "tablet_revoked": _l("This tablet is no longer enrolled for the ballot. Ask an official at "
                         "the desk."),
    "tablets_not_now": _l("Hall tablets are for a ballot cast electronically, until it closes "
                          "(a tablet may be enrolled while the ballot is a draft); hall cards "
                          "only once it is open."),
    "tablet_label_required": _l("Say where the tablet stands, for example “第3排左”."),
    "tablet_label_too_long": _l("Keep the tablet's label to %(length)d characters."),
    "wrong_enrol_code": _l("That enrolment code is not right, has been used already, or is "
                           "more than 15 minutes old. Ask the desk for a new one."),
    "tablet_not_found": _l("There is no such tablet on this ballot."),
    "no_such_number": _l("There is no delegate with that number on the roster (1 to "
                         "%(most)d)."),
    "card_after_voting": _l("Delegate No. %(number)d has already voted and needs no card."),
    "card_after_paper": _l("Delegate No. %(number)d took a paper ballot at the box and needs no "
                           "card (unless the teller takes it back)."),
    "took_paper_ballot": _l("You took a paper ballot at the ballot box, so you vote on paper, "
                            "not on this tablet. If that is a mistake, ask the teller: they take "
                            "the paper ballot back and undo the mark."),
}


def say(error: DomainError | str) -> str:
    error = DomainError(error) if isinstance(error, str) else error
    words = WORDS.get(error.code)
    if words is None:
        return domain_message(error)
    return str(words) % error.params if error.params else str(words)


class EnrolCodeForm(FlaskForm):
    code = StringField(_l("Enrolment code from the ballot desk"),
                       validators=[DataRequired(), Length(max=20)])


class IdentifyForm(FlaskForm):
    number = StringField(_l("Delegate number"), validators=[DataRequired(), Length(max=6)])
    code = StringField(_l("Hall card code"), validators=[DataRequired(), Length(max=20)])


class TabletForm(FlaskForm):
    label = StringField(_l("Where the tablet stands"),
                        validators=[DataRequired(), Length(max=tablets.LABEL_MAX)])


class RevokeForm(FlaskForm):
    tablet = HiddenField()
    confirm = BooleanField(_l("I have read the above and want to go ahead"))


class CardForm(FlaskForm):
    number = StringField(_l("Delegate number"), validators=[DataRequired(), Length(max=6)])
    confirm = BooleanField(_l("I have read the above and want to go ahead"))



def page(template: str, status: int = 200, **context):
    """A page of templates/kiosk/, never kept by a browser or proxy (codes, marks, receipts)."""
    return no_store(render_template(f"kiosk/{template}", **context), status)
