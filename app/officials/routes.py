"""The officials' desk: every cycle with its stage and the proposals it holds, by status."""

from flask import render_template
from sqlalchemy import func, select

from app.auth.access import allow
from app.db import get_session
from app.officials import bp
from proposals.models import Cycle, Proposal


@bp.route("/")
@allow("official", "admin")
def dashboard():
    db = get_session()
    cycles = db.scalars(select(Cycle).order_by(Cycle.year.desc(), Cycle.id.desc())).all()
    rows = db.execute(
        select(Proposal.cycle_id, Proposal.status, func.count())
        .group_by(Proposal.cycle_id, Proposal.status)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for cycle_id, status, n in rows:
        counts.setdefault(cycle_id, {})[status] = n
    return render_template("officials/dashboard.html", cycles=cycles, counts=counts)
