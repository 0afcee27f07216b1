"""A resident's own pages: their proposals and open cycles, and their notifications."""

from flask import current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import SIGNED_IN, allow
from app.collection.forms import ActionForm
from app.db import get_session, writing
from app.pagination import paginate
from app.residents import bp
from proposals.collection import services as collection
from proposals.collection.models import Notification, Proposal
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage


@bp.route("/")
@allow("resident")
def dashboard():
    db = get_session()
    page = paginate(
        db,
        select(Proposal).where(Proposal.proposer_id == current_user.id)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc()),
        current_app.config["PAGE_SIZE"],
    )
    open_cycles = db.scalars(select(Cycle).where(Cycle.stage == Stage.COLLECTION)
                             .order_by(Cycle.year.desc())).all()
    return render_template("residents/dashboard.html", page=page, open_cycles=open_cycles)


@bp.route("/notifications", methods=["GET", "POST"])
@allow(SIGNED_IN)
def notifications():
    db = get_session()
    form = ActionForm()
    if form.validate_on_submit():
        with writing():
            collection.mark_read(db, current_user.id)
        return redirect(url_for("residents.notifications"))
    page = paginate(db, select(Notification).where(Notification.user_id == current_user.id)
                    .order_by(Notification.created_at.desc(), Notification.id.desc()),
                    current_app.config["PAGE_SIZE"])
    return render_template("residents/notifications.html", page=page, form=form)
