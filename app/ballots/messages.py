"""Words of the ballot desk's tie settlements: their error messages.

Joined into app/messages.py's MESSAGES like the other contexts' words.
"""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "runoff_unsettled": _l("The run-off has not settled the tie yet: it must be published, "
                           "and any tie of its own settled first."),
}
