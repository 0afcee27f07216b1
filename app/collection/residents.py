"""Residents and proposals: propose in a collecting cycle, co-sign and withdraw a co-sign,
edit or withdraw one's own proposal while collection is open."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import allow
from app.collection.forms import (
    ActionForm,
    ProposalEditForm,
    ProposalForm,
    WithdrawProposalForm,
)
from app.collection.proposing import draft_from, save_proposal
from app.db import get_session, writing
from app.messages import domain_message
from app.residents import bp
from proposals.collection import services as collection
from proposals.collection.models import Proposal
from proposals.collection.services import ProposalDraft
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from votes.base import DomainError


@bp.route("/cycles/<int:cycle_id>/propose", methods=["GET", "POST"])
@allow("resident")
def propose(cycle_id: int):
    db = get_session()
    cycle = db.get(Cycle, cycle_id) or abort(404)
    if cycle.stage != Stage.COLLECTION:
        flash(_("This cycle is not collecting proposals now."), "error")
        return redirect(url_for("public.cycle", cycle_id=cycle_id))
    form = ProposalForm()
    if request.method == "GET" and current_user.community:
        form.community.data = current_user.community  # where they said they live
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
        thanks = _("Your co-sign is withdrawn.") if withdraw else _("Thank you for your support.")
        with writing(success=thanks):
            if withdraw:
                collection.withdraw_cosign(db, current_user, found)
            else:
                collection.cosign(db, current_user, found)
    return redirect(url_for("public.proposal", proposal_id=proposal_id))


def _own_proposal(proposal_id: int, *, editing: bool):
    """(the proposal, None) when its author may change it now; else (it, a redirect to its
    page with the reason flashed). Another resident is sent back the same way (not a 403:
    the page exists for residents)."""
    found = get_session().get(Proposal, proposal_id) or abort(404)
    try:
        collection.check_change(current_user, found, editing=editing)
    except DomainError as error:
        flash(domain_message(error), "error")
        return found, redirect(url_for("public.proposal", proposal_id=found.id))
    return found, None


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@allow("resident")
def edit_proposal(proposal_id: int):
    db = get_session()
    found, refused = _own_proposal(proposal_id, editing=True)
    if refused is not None:
        return refused
    form = ProposalEditForm(obj=found)
    if form.validate_on_submit():
        draft = ProposalDraft(
            title=form.title.data, description=form.description.data,
            category=form.category.data, community=form.community.data,
            beneficiaries=form.beneficiaries.data)
        with writing(form, success=_("Your proposal is updated; the earlier text is kept.")
                     ) as work:
            collection.edit_proposal(db, current_user, found, draft)
        if work.ok:
            return redirect(url_for("public.proposal", proposal_id=found.id))
    return render_template("residents/edit_proposal.html", form=form, proposal=found)


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@allow("resident")
def withdraw_proposal(proposal_id: int):
    db = get_session()
    found, refused = _own_proposal(proposal_id, editing=False)
    if refused is not None:
        return refused
    form = WithdrawProposalForm()
    if form.validate_on_submit():
        with writing(form, success=_("Your proposal is withdrawn.")) as work:
            collection.withdraw_proposal(db, current_user, found, form.reason.data)
        if work.ok:
            return redirect(url_for("public.proposal", proposal_id=found.id))
    return render_template("residents/withdraw_proposal.html", form=form, proposal=found)
