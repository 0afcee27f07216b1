"""Words of proposal collection that are its own: an author's edits and withdrawals, reports."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "not_your_proposal": _l("Only the resident who wrote this proposal can change or withdraw "
                            "it."),
    "proposal_withdrawn": _l("This proposal was withdrawn by its author; it takes no more "
                             "co-signs or comments."),
    "proposal_screened": _l("This proposal is already being screened, merged or decided, so "
                            "it can no longer be changed or withdrawn."),
    "hidden_not_editable": _l("A proposal hidden by a moderator cannot be edited."),
    "nothing_changed": _l("Nothing was changed."),
    "own_content": _l("You cannot report your own proposal or comment."),
}

NOTIFICATIONS = {
    "proposal_edited": _l("The proposal “%(title)s” that you support was edited by its "
                          "author."),
    "proposal_withdrawn": _l("The proposal “%(title)s” that you support was withdrawn by its "
                             "author."),
}

# The 12345/visit import's row problems that are collection's own (the shared ones are in
# app/messages.py).
IMPORT_ERRORS = {
    "import_unknown_community": _l("No community of this name or code is on the list of "
                                   "places (%(value)s): correct it, or ask an administrator "
                                   "to add the community."),
    "import_wrong_street": _l("%(community)s is in %(street)s on the list of places, not in "
                              "%(value)s: correct the street (or leave it empty), or the "
                              "community."),
}
