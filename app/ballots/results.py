"""A count as people read it: what was adopted first, in rank order, then the rest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from votes.casting import decode_choices
from votes.rules import ABSTAIN
from votes.tally_methods import Method


def reading_order(rows: Sequence[Mapping], adopted: Iterable[int]) -> list[dict]:
    """The rows of a count, adopted first, then the others, each group in rank order.

    `adopted` is what the ballot finally adopts (a settled tie included). Within a group,
    rows go by their rank (most yes votes first; those that did not pass, without a rank,
    after them by yes votes), then by their place on the ballot. Each row gets `place`: its
    position as read, shared by rows with equal yes votes next to each other in the same
    group (1, 2, 2, 4), and None for a row that did not pass.
    """
    chosen = set(adopted)
    positions = {row["id"]: i for i, row in enumerate(rows)}

    def key(row):
        return (row["id"] not in chosen, row["rank"] is None, row["rank"] or 0, -row["yes"],
                positions[row["id"]])

    ordered = [dict(row) for row in sorted(rows, key=key)]
    previous = None
    for i, row in enumerate(ordered, start=1):
        if not row["passed"]:
            row["place"] = None
            continue
        group = (row["id"] in chosen, row["yes"])
        row["place"] = previous[1] if previous and previous[0] == group else i
        previous = (group, row["place"])
    return ordered


def every_choice(choices: Mapping, option_ids: Sequence[int], method: Method) -> list[tuple]:
    """(option id, mark) for every option of the ballot, as the ballot counted them.

    The stored ballot leaves abstentions out (an unmarked option abstains); a receipt lookup
    says them all, so "abstain" (or, on an approval ballot, "unmarked") is written in.
    """
    marks = decode_choices(choices) if isinstance(choices, str) else {
        int(k): v for k, v in choices.items()}
    blank = "unmarked" if method == Method.Y else ABSTAIN
    return [(option_id, marks.get(option_id, blank)) for option_id in option_ids]
