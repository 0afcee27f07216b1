"""A delegate's page: their seats and the cycles of those assemblies, by stage."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.db import get_session
from app.delegates import bp
from proposals.cycles.models import Cycle
from votes.ballots import Ballot, BallotStatus, VoterRecord
from votes.people import Membership


@bp.route("/")
@allow("delegate")
def dashboard():
    db = get_session()
    seats = db.scalars(
        select(Membership).where(Membership.user_id == current_user.id).order_by(Membership.id)
    ).all()
    cycles = db.scalars(
        select(Cycle)
        .where(Cycle.assembly_id.in_([m.assembly_id for m in seats]))
        .order_by(Cycle.year.desc(), Cycle.id.desc())
    ).all()
    ballots = db.scalars(
        select(Ballot).where(Ballot.assembly_id.in_([m.assembly_id for m in seats]),
                             Ballot.status != BallotStatus.DRAFT)
        .order_by(Ballot.status != BallotStatus.OPEN, Ballot.id.desc()).limit(20)
    ).all()
    voted = set(db.scalars(select(VoterRecord.ballot_id).where(
        VoterRecord.user_id == current_user.id)))
    return render_template("delegates/dashboard.html", seats=seats, cycles=cycles,
                           ballots=ballots, voted=voted)
