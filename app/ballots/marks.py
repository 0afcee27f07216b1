"""The marks a voter put on a ballot form, read from the posted fields and checked against the
ballot's rules before the review page (delegates' ballots and council elections alike)."""

from __future__ import annotations

from flask import flash, request

from app.messages import domain_message
from votes.ballots import Ballot
from votes.base import DomainError
from votes.rules import InvalidBallot, validate_choices
from votes.tally_methods import Method

MARKS = ("yes", "no", "abstain")


def submitted_choices(ballot: Ballot) -> dict[int, str]:
    """The marks in the form: one radio group per option, or ticks for approval ballots."""
    if ballot.rules.method == Method.Y:
        ticked = set(request.form.getlist("tick"))
        return {o.id: "yes" for o in ballot.options if str(o.id) in ticked}
    marks = {}
    for option in ballot.options:
        mark = request.form.get(f"option-{option.id}", "")
        if mark in MARKS:
            marks[option.id] = mark
    return marks


def reviewable_choices(ballot: Ballot) -> tuple[dict[int, str], bool]:
    """The posted marks, and whether the rules allow them; if not, the reason is flashed."""
    marks = submitted_choices(ballot)
    try:
        validate_choices(ballot.rules, [o.id for o in ballot.options], marks)
    except InvalidBallot as invalid:
        flash(domain_message(DomainError(invalid.code, **invalid.params)), "error")
        return marks, False
    return marks, True
