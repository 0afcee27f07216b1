"""Domain error codes turned into sentences a user understands, in their language."""

import re
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.assisted import messages as assisted_words
from app.ballots import messages as ballot_words
from app.collection import messages as collection_words
from app.council import messages as council_words
from app.cycles import messages as cycle_words
from app.evaluation import messages as evaluation_words
from app.implementation import messages as implementation_words
from app.money import yuan
from app.notices import messages as notice_words
from app.requests import messages as request_words
from app.residence import messages as residence_words
from votes.base import DomainError

# Each context keeps its own words in app/<context>/messages.py; the tables below join them
# here, explicitly, so a message exists whether or not that context's views were imported.
_CONTEXT_WORDS = (assisted_words, ballot_words, collection_words, implementation_words,
                  evaluation_words, council_words, cycle_words, notice_words, request_words,
                  residence_words)

MESSAGES = {
    "forbidden": _l("You are not allowed to do this."),
    "already_member": _l("%(user)s is already a member of this assembly."),
    "username_taken": _l("This username is already taken."),
    "dates_out_of_order": _l("The stage dates must follow one another in order."),
    "not_admin": _l("Only an administrator can move a cycle to another stage."),
    "unknown_stage": _l("There is no such stage."),
    "already_closed": _l("This cycle is closed; there is no stage after it."),
    "not_forward": _l("This is not the next stage; a move back needs its reason."),
    "skips_a_stage": _l("A cycle moves one stage at a time; no stage may be skipped."),
    "not_collecting": _l("This cycle is not collecting proposals now."),
    "invalid_choice": _l("Please choose one of the options offered."),
    "channel_not_allowed": _l("Your role cannot enter proposals through this channel."),
    "required": _l("This field is required."),
    "too_long": _l("At most %(max)d characters."),
    "out_of_range": _l("Enter a number from 0 to %(max)d."),
    "residents_only": _l("Only residents can co-sign proposals."),
    "future_date": _l("The date is in the future."),
    "proposal_closed": _l("This proposal no longer takes support or comments."),
    "own_proposal": _l("You cannot co-sign your own proposal."),
    "already_cosigned": _l("You have already co-signed this proposal."),
    "not_cosigned": _l("You have not co-signed this proposal."),
    "bad_parent": _l("The comment you replied to is not available."),
    "officials_only": _l("Only officials can do this."),
    "not_found": _l("This item does not exist any more."),
    "already_reported": _l("You have already reported this; moderators will look at it."),
    "already_hidden": _l("This is hidden already."),
    "not_hidden": _l("This is not hidden."),
    "merge_into_itself": _l("A proposal cannot be merged into itself."),
    "merge_other_cycle": _l("Only proposals of the same cycle can be merged."),
    "already_merged": _l("One of these proposals has already been merged."),
    "not_shortlisting": _l("This cycle is not in the shortlist stage."),
    "shortlist_locked": _l("The shortlist has been submitted; changes now need an amendment."),
    "not_submitted": _l("The shortlist has not been submitted yet."),
    "ballot_opened": _l("The ballot has opened; the shortlist can no longer change."),
    "assignee_not_official": _l("Only an official can evaluate proposals."),
    "bad_cost": _l("Enter an amount greater than 0."),
    "not_in_cycle": _l("Proposal %(id)s is not in this cycle."),
    "proposal_not_available": _l("Proposal %(id)s is hidden, merged or declined."),
    "already_in_candidate": _l("Proposal %(id)s is already in a candidate project."),
    "no_source_proposals": _l("Name at least one source proposal."),
    "candidate_withdrawn": _l("This candidate has been withdrawn."),
    "no_frame": _l("Set the budget and the number of projects to adopt first."),
    "no_candidates": _l("There is no candidate project yet."),
    "undecided_proposals": _l("%(n)d proposals still await a decision."),
    "not_open": _l("The ballot is not open for voting."),
    "not_on_roster": _l("You are not on this ballot's roster."),
    "not_checked_in": _l("Check in with the code shown in the hall before voting."),
    "already_voted": _l("You have already voted in this ballot; a ballot is final once cast."),
    "audit_append_only": _l("An audit log entry cannot be changed or removed."),
    "wrong_code": _l("That check-in code is not right."),
    "too_many_selections": _l("Too many candidates ticked: at most %(max)s."),
    "too_few_selections": _l("Too few candidates ticked: at least %(min)s."),
    "unknown_candidate": _l("The ballot names a candidate that is not on it."),
    "choice_not_allowed": _l("That mark is not allowed in this ballot."),
    "not_draft": _l("Only a draft ballot can be changed or opened."),
    "rules_frozen": _l("The rules were fixed when the ballot opened."),
    "tellers_required": _l("A secret ballot of the congress is sealed for its tellers: name at "
                           "least two, each with a passphrase."),
    "roll_call_not_sealed": _l("A roll-call ballot publishes every name with its vote, so it "
                               "is not sealed; open it without tellers."),
    "teller_twice": _l("Each teller may be named only once."),
    "teller_inactive": _l("%(name)s's account is not active, so they cannot be a teller."),
    "invalid_threshold": _l("Between 2 and %(most)s tellers, and at least 2 but no more than "
                            "the %(tellers)s named, must be needed to open the ballots."),
    "passphrase_too_short": _l("%(name)s's passphrase is too short: at least %(length)s "
                               "characters."),
    "wrong_passphrase": _l("%(name)s's passphrase does not open their share; nothing was "
                           "counted. Type it again."),
    "shares_needed": _l("%(needed)s tellers must type their passphrases to open the ballots; "
                        "%(given)s did."),
    "shares_do_not_match": _l("The tellers' shares do not rebuild this ballot's key; nothing "
                              "was counted."),
    "not_closed": _l("The ballot has not been closed yet."),
    "not_published": _l("The result has not been published yet."),
    "empty_roster": _l("The assembly has no delegates on its roster today."),
    "no_options": _l("A ballot needs at least one candidate."),
    "seats_exceed_options": _l("More projects to adopt than candidates on the ballot."),
    "invalid_rules": _l("These rules do not fit together."),
    "invalid_totals": _l("The totals are not consistent: a candidate has more marks than "
                         "ballots cast."),
    "more_ballots_than_voters": _l("More ballots than delegates entitled to vote."),
    "more_ballots_than_present": _l("More ballots than delegates present."),
    "present_exceeds_roster": _l("More delegates present than on the roster."),
    "present_below_check_ins": _l("Fewer delegates present than have checked in."),
    "electronic_ballots_cast": _l("Electronic ballots have been cast; paper totals are refused."),
    "no_tie": _l("There is no tie to resolve."),
    "already_resolved": _l("The tie has already been resolved."),
    "not_tied": _l("Only tied candidates can be adopted by resolution."),
    "too_many_adopted": _l("More candidates than the %(seats)s seats left."),
    "over_budget": _l("Over the remaining budget."),
    "reason_required": _l("Give the reason."),
    "title_required": _l("Give a title."),
}
for _words in _CONTEXT_WORDS:
    MESSAGES.update(getattr(_words, "MESSAGES", {}))


def apply_to_form(error: DomainError, form) -> bool:
    """Put a field's error next to that field; False when the error belongs to no field."""
    field = getattr(form, str(error.params.get("field", "")), None)
    if field is None:
        return False
    field.errors = [*field.errors, domain_message(error)]
    return True


def report(error: DomainError, form=None) -> None:
    """Show a domain error next to its field of `form`, or else as a flashed message."""
    from flask import flash

    if form is None or not apply_to_form(error, form):
        flash(domain_message(error), "error")


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def shown(value):
    """A day as the reader reads days (2026年12月6日 / Dec 6, 2026): a date, or the ISO text a
    notice or an error keeps of one (its parameters are plain JSON values); else as it is."""
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        value = date.fromisoformat(value)
    return format_date(value, "medium") if isinstance(value, date) else value


# The parameters of these messages that are sums of money in yuan.
MONEY_PARAMS = {"spend_decreased": ("last",), "spend_over_budget": ("budget",)}


def domain_message(error: DomainError) -> str:
    template = MESSAGES.get(error.code)
    if template is None:
        return _("This could not be done (%(code)s).", code=error.code)
    if not error.params:
        return str(template)
    # Days are shown in the reader's one date style (2026年12月6日 / Dec 6, 2026), sums of
    # money as everywhere else (259.71 万元 / ¥2,597,142).
    return str(template) % _shown_params(error.code, error.params)


def _shown_params(code: str, params: dict) -> dict:
    money = MONEY_PARAMS.get(code, ())
    return {key: yuan(value) if key in money else shown(value) for key, value in params.items()}


NOTIFICATIONS = {
    "reply": _l("%(name)s replied to your comment."),
    "comment": _l("%(name)s commented on your proposal."),
    "status": _l("The status changed to: %(status)s."),
    "hidden_proposal": _l("Your proposal was hidden by a moderator. Reason: %(reason)s"),
    "hidden_comment": _l("Your comment was hidden by a moderator. Reason: %(reason)s"),
}
for _words in _CONTEXT_WORDS:
    NOTIFICATIONS.update(getattr(_words, "NOTIFICATIONS", {}))


def notification_text(notification, *, quote=None) -> str:
    """A notice in the reader's language. `quote` wraps each name, title or reason it quotes
    (pages pass templating.bdi, so the words around them are escaped and kept apart)."""
    from app.templating import PROPOSAL_STATUS_LABELS

    params = {key: shown(value) for key, value in (notification.params or {}).items()}
    if "status" in params:
        params["status"] = str(PROPOSAL_STATUS_LABELS.get(params["status"], params["status"]))
    template = NOTIFICATIONS.get(notification.kind)
    if template is None:
        return notification.kind
    text = str(template)
    if quote is not None:
        text = Markup.escape(text)
        params = {key: quote(value) if isinstance(value, str) else value
                  for key, value in params.items()}
    try:
        return text % params
    except (KeyError, TypeError):
        return text


IMPORT_ERRORS = {
    "required": _l("This cell is empty but required."),
    "too_long": _l("Too long: at most %(max)d characters."),
    "unknown_category": _l("Unknown category; use one of 教育, 医疗卫生, 养老服务, 交通出行, 生态环境, 住房与老旧小区改造, 文化体育, 就业创业, 食品安全, 公共安全, 其他."),  # noqa: E501
    "channel_not_importable": _l("Only 12345 hotline and visit records can be imported."),
    "unknown_channel": _l("Unknown channel; use 12345热线 or 走访."),
    "bad_number": _l("Not a whole number."),
    "negative_number": _l("The number cannot be negative."),
    "too_large": _l("The number is too large (at most %(max)d)."),
    "bad_date": _l("Not a date; write it as 2027-03-01."),
    "future_date": _l("The date is in the future."),
    "duplicate_row": _l("The same as row %(first_row)d."),
    "missing_column": _l("The column is missing."),
    "unknown_column": _l("Unknown column."),
    "duplicate_column": _l("This column appears twice."),
    "unnamed_column": _l("Data under a column without a header."),
    "empty_file": _l("The file has no rows to import."),
    "too_many_rows": _l("Too many rows: at most %(max)d."),
    "bad_encoding": _l("The file's text encoding is not readable; save it as UTF-8 CSV."),
    "not_a_spreadsheet": _l("Not a CSV or XLSX file."),
    "file_too_large": _l("The file is larger than 2 MB."),
}
for _words in _CONTEXT_WORDS:
    IMPORT_ERRORS.update(getattr(_words, "IMPORT_ERRORS", {}))


def import_error_text(error) -> str:
    template = IMPORT_ERRORS.get(error.code)
    if template is None:
        return error.code
    try:
        return str(template) % _shown_params(error.code, error.params or {})
    except (KeyError, TypeError):
        return str(template)
