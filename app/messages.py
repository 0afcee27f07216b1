"""Domain error codes turned into sentences a user understands, in their language."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from votes.base import DomainError

MESSAGES = {
    "forbidden": _l("You are not allowed to do this."),
    "already_member": _l("%(user)s is already a member of this assembly."),
    "username_taken": _l("This username is already taken."),
    "dates_out_of_order": _l("The stage dates must follow one another in order."),
    "not_admin": _l("Only an administrator can move a cycle to another stage."),
    "unknown_stage": _l("There is no such stage."),
    "already_closed": _l("This cycle is closed; it cannot move any more."),
    "not_forward": _l("A cycle only moves forward, never back."),
    "skips_a_stage": _l("A cycle moves one stage at a time; no stage may be skipped."),
}


def domain_message(error: DomainError) -> str:
    template = MESSAGES.get(error.code)
    if template is None:
        return _("This could not be done (%(code)s).", code=error.code)
    return str(template) % error.params if error.params else str(template)
