"""A resident's own page: the proposals they made or that were entered for them."""

from flask import current_app, render_template
from flask_login import current_user
from sqlalchemy import or_, select

from app.auth.access import allow
from app.db import get_session
from app.pagination import paginate
from app.residents import bp
from proposals.models import Proposal


@bp.route("/")
@allow("resident")
def dashboard():
    db = get_session()
    page = paginate(
        db,
        select(Proposal)
        .where(or_(Proposal.proposer_id == current_user.id))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc()),
        current_app.config["PAGE_SIZE"],
    )
    return render_template("residents/dashboard.html", page=page)
