"""Words of assisted entries."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "not_their_proposal": _l("This proposal was not entered in that resident's name."),
    "entry_pending": _l("Staff already entered this for the resident; it waits for their "
                        "confirmation."),
    "entry_settled": _l("This entry is settled already."),
    "resident_own_proposal": _l("This is the resident's own proposal: nobody co-signs their "
                                "own."),
    "resident_cosigned": _l("This resident has co-signed this proposal already."),
    "not_a_resident_account": _l("This account is not a resident's."),
}

KIND_LABELS = {
    "proposal": _l("a proposal in your name"),
    "cosign": _l("a co-sign"),
    "rating": _l("a rating"),
}

STATE_LABELS = {
    "pending": _l("waiting for the resident"),
    "confirmed": _l("confirmed"),
    "declined": _l("the resident said it was not them"),
    "lapsed": _l("confirmed too late: it did not count"),
}


def _entry(proposal_id: int):
    from app.db import get_session
    from proposals.assisted.services import proposal_entry

    return proposal_entry(get_session(), proposal_id)


def _pending_cosigns(proposal_id: int) -> int:
    from app.db import get_session
    from proposals.assisted.services import pending_cosigns

    return pending_cosigns(get_session(), proposal_id)


JINJA_GLOBALS = {"assisted_entry": _entry, "pending_cosigns": _pending_cosigns,
                 "assisted_kind_labels": KIND_LABELS, "assisted_state_labels": STATE_LABELS}
