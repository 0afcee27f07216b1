"""The public shortlist: candidates with costs and units, every declined proposal's reason."""

from flask import abort, render_template
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import charts
from app.auth.access import PUBLIC, allow
from app.db import get_session
from app.public import bp
from proposals.collection.models import Proposal, ProposalStatus
from proposals.cycles.models import Cycle
from proposals.shortlist import services as shortlist
from proposals.shortlist.models import ShortlistAmendment


@bp.route("/cycles/<int:cycle_id>/shortlist")
@allow(PUBLIC)
def shortlist_page(cycle_id: int):
    db = get_session()
    cycle = db.get(Cycle, cycle_id) or abort(404)
    candidates = shortlist.candidates(db, cycle_id)
    declined = db.scalars(
        select(Proposal).where(Proposal.cycle_id == cycle_id,
                               Proposal.status == ProposalStatus.DECLINED,
                               Proposal.hidden.is_(False))
        .order_by(Proposal.decline_ground, Proposal.id)).all()
    received = db.scalar(select(func.count(Proposal.id)).where(
        Proposal.cycle_id == cycle_id, Proposal.hidden.is_(False))) or 0
    active = [c for c in candidates if not c.withdrawn]
    funnel = [(_("Proposals received"), received), (_("Candidate projects"), len(active))]
    figure = charts.funnel_chart([label for label, _n in funnel], [n for _l, n in funnel],
                                 title=_("From proposals to candidates"))
    amendments = db.scalars(select(ShortlistAmendment).where(
        ShortlistAmendment.cycle_id == cycle_id).order_by(ShortlistAmendment.id)).all()
    return render_template(
        "public/shortlist.html", cycle=cycle, candidates=candidates, declined=declined,
        funnel=funnel, figure=figure, amendments=amendments,
        view=shortlist.view_budget(db, cycle),
    )
