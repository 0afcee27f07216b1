"""A resident's pages: propose, co-sign, and follow what becomes of their proposals."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import SIGNED_IN, allow
from app.db import get_session
from app.messages import apply_to_form, domain_message
from app.pagination import paginate
from app.proposal_forms import ActionForm, ProposalForm
from app.residents import bp
from app.uploads import attach, discard, store_all
from proposals import collection
from proposals.collection import ProposalDraft
from proposals.models import Cycle, Notification, Proposal
from votes.base import DomainError


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
    open_cycles = db.scalars(select(Cycle).where(Cycle.stage == "collection")
                             .order_by(Cycle.year.desc())).all()
    return render_template("residents/dashboard.html", page=page, open_cycles=open_cycles)


def draft_from(form, **extra) -> ProposalDraft:
    return ProposalDraft(
        title=form.title.data, description=form.description.data, category=form.category.data,
        district=form.district.data, street=form.street.data, community=form.community.data,
        beneficiaries=form.beneficiaries.data, proposer_named=bool(form.proposer_named.data),
        **extra)


def save_proposal(db, form, cycle: Cycle, draft: ProposalDraft):
    """Store photos, then the proposal; commit once. Returns the proposal, or None on errors."""
    stored, photo_errors = store_all(form.photos.data)
    if photo_errors:
        form.photos.errors = photo_errors
        return None
    try:
        created = collection.submit_proposal(db, current_user, cycle, draft)
        attach(created, stored)
        db.commit()
    except DomainError as error:
        db.rollback()
        discard(stored)
        if not apply_to_form(error, form):
            flash(domain_message(error), "error")
        return None
    except Exception:
        db.rollback()
        discard(stored)
        raise
    return created


@bp.route("/cycles/<int:cycle_id>/propose", methods=["GET", "POST"])
@allow("resident")
def propose(cycle_id: int):
    db = get_session()
    cycle = db.get(Cycle, cycle_id) or abort(404)
    if cycle.stage != "collection":
        flash(_("This cycle is not collecting proposals now."), "error")
        return redirect(url_for("public.cycle", cycle_id=cycle_id))
    form = ProposalForm()
    if request.method == "GET":
        form.district.data = cycle.assembly.area if cycle.assembly.kind == "congress" else ""
    if form.validate_on_submit():
        created = save_proposal(db, form, cycle, draft_from(form))
        if created is not None:
            flash(_("Thank you. Your proposal is submitted; you will be told of its progress."),
                  "success")
            return redirect(url_for("public.proposal", proposal_id=created.id))
    return render_template("residents/propose.html", form=form, cycle=cycle)


@bp.route("/proposals/<int:proposal_id>/cosign", methods=["POST"])
@allow("resident")
def cosign(proposal_id: int):
    db = get_session()
    found = db.get(Proposal, proposal_id) or abort(404)
    if ActionForm().validate_on_submit():
        withdraw = bool(request.form.get("withdraw"))
        try:
            if withdraw:
                collection.withdraw_cosign(db, current_user, found)
            else:
                collection.cosign(db, current_user, found)
        except DomainError as error:
            db.rollback()
            flash(domain_message(error), "error")
        else:
            db.commit()
            flash(_("Your co-sign is withdrawn.") if withdraw
                  else _("Thank you for your support."), "success")
    return redirect(url_for("public.proposal", proposal_id=proposal_id))


@bp.route("/notifications", methods=["GET", "POST"])
@allow(SIGNED_IN)
def notifications():
    db = get_session()
    form = ActionForm()
    if form.validate_on_submit():
        collection.mark_read(db, current_user.id)
        db.commit()
        return redirect(url_for("residents.notifications"))
    page = paginate(db, select(Notification).where(Notification.user_id == current_user.id)
                    .order_by(Notification.created_at.desc(), Notification.id.desc()),
                    current_app.config["PAGE_SIZE"])
    return render_template("residents/notifications.html", page=page, form=form)
