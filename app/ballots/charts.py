"""A ballot's result as a chart: yes votes per candidate against the threshold to pass.

Horizontal bars: candidates' names are long Chinese titles, which would stand on end under
vertical bars and squeeze them on a phone."""

from __future__ import annotations

from flask_babel import gettext as _

from app import charts
from votes.ballots import Ballot


def result_chart(ballot: Ballot, result: dict) -> dict:
    names = {o.id: o.title for o in ballot.options}
    rows = result["rows"]
    needed = {row["needed"] for row in rows}
    # One threshold line when every candidate is measured against the same base.
    line = needed.pop() if len(needed) == 1 and None not in needed else None
    return charts.bar_chart(
        [names[row["id"]] for row in rows], [row["yes"] for row in rows],
        title=_("Yes votes per candidate"), x_title=_("Yes votes"), horizontal=True,
        threshold=line, threshold_label=_("Needed to pass: %(n)s", n=line) if line else "")
