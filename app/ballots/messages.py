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
    "screen_result_not_published": _l("The big screen shows a result only once it is "
                                      "published; until then it shows the turnout."),
}
