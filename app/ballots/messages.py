"""Words of the ballot: refusals a delegate or the ballot desk may meet.

Joined into app/messages.py's MESSAGES like the other contexts' words (these win over the
shared table's, which is read first).
"""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "runoff_unsettled": _l("The run-off has not settled the tie yet: it must be published, "
                           "and any tie of its own settled first."),
    "not_checked_in": _l("Your ballot was not cast: this ballot's rules require you to check "
                         "in first. Enter the code shown in the hall, or ask an official at "
                         "the desk to check you in; then cast your ballot. Your marks are "
                         "kept."),
    "invalid_tracker": _l("That receipt code cannot be used; review your ballot again."),
    # Paper and electronic in one ballot (votes/mixed.py).
    "took_paper_ballot": _l("Your ballot was not cast: you took a paper ballot at the ballot "
                            "box, so you vote on paper, not here. If that is a mistake, ask "
                            "the teller: they take the paper ballot back and undo the mark."),
    "voted_electronically": _l("%(name)s has already voted electronically, so they cannot "
                               "take a paper ballot."),
    "paper_already_issued": _l("%(name)s has already taken a paper ballot."),
    "paper_not_issued": _l("%(name)s has not taken a paper ballot; there is nothing to undo."),
    "not_mixed": _l("This ballot is not run with paper and electronic ballots together."),
    "paper_exceeds_issued": _l("%(found)s paper ballots found in the box, but only %(issued)s "
                               "were handed out. Count the box again: nothing was recorded."),
    "invalid_paper_totals": _l("The paper count does not fit: a candidate has more yes, no "
                               "and abstain marks than paper ballots found in the box."),
    "paper_count_required": _l("This ballot has paper and electronic ballots: it closes when "
                               "the paper count is entered."),
    "roll_call_not_mixed": _l("A roll-call vote cannot have paper ballots: a paper ballot "
                              "carries no name."),
    "screen_result_not_published": _l("The big screen shows a result only once it is "
                                      "published; until then it shows the turnout."),
}
