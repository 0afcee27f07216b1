"""Residents and proposals: propose in a collecting cycle, co-sign and withdraw a co-sign."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import allow
from app.collection.forms import ActionForm, ProposalForm
from app.collection.proposing import draft_from, save_proposal
from app.db import get_session, writing
from app.residents import bp
from proposals.collection import services as collection
from proposals.collection.models import Proposal
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage


@bp.route("/cycles/<int:cycle_id>/propose", methods=["GET", "POST"])
@allow("resident")
def propose(cycle_id: int):
    db = get_session()
    cycle = db.get(Cycle, cycle_id) or abort(404)
    if cycle.stage != Stage.COLLECTION:
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
        thanks = _("Your co-sign is withdrawn.") if withdraw else _("Thank you for your support.")
        with writing(success=thanks):
            if withdraw:
                collection.withdraw_cosign(db, current_user, found)
            else:
                collection.cosign(db, current_user, found)
    return redirect(url_for("public.proposal", proposal_id=proposal_id))
