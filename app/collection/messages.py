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
