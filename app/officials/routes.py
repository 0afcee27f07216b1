"""The officials' desk: every cycle at a glance, with its proposals by status and open reports."""


from flask import (
    render_template,
)
from sqlalchemy import func, select

from app.auth.access import allow
from app.db import get_session
from app.officials import bp
from proposals.collection.models import Proposal, Report
from proposals.cycles.models import Cycle


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
    open_reports = db.scalar(select(func.count(Report.id)).where(Report.resolved_at.is_(None)))
    return render_template("officials/dashboard.html", cycles=cycles, counts=counts,
                           open_reports=open_reports)
