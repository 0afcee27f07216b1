"""Officials and collection: enter proposals heard offline, import hotline records, moderate."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.assisted.support import for_resident
from app.auth.access import allow, is_safe_next
from app.collection.forms import ActionForm, HideForm, ImportForm, MergeForm, OnBehalfForm
from app.collection.proposing import draft_from, save_proposal
from app.db import get_session, writing
from app.numbers import whole_number
from app.officials import bp
from proposals.assisted.services import needs_confirmation
from proposals.collection import moderation
from proposals.collection import services as collection
from proposals.collection.importing import (
    MAX_BYTES,
    community_streets,
    parse_import,
    template_csv,
)
from proposals.collection.models import Comment, ModerationLog, Proposal, Report
from proposals.collection.queries import similar_proposals
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from votes.people import find_user


def _collecting_cycle(cycle_id: int) -> Cycle:
    cycle = get_session().get(Cycle, cycle_id) or abort(404)
    if cycle.stage != Stage.COLLECTION:
        flash(_("This cycle is not collecting proposals now."), "error")
        abort(redirect(url_for("public.cycle", cycle_id=cycle_id)))
    return cycle


@bp.route("/cycles/<int:cycle_id>/enter", methods=["GET", "POST"])
@allow("official", "delegate")
def enter(cycle_id: int):
    """Enter what was heard on a visit, at a liaison station or on the 12345 hotline."""
    db = get_session()
    cycle = _collecting_cycle(cycle_id)
    form = OnBehalfForm()
    if form.validate_on_submit():
        proposer = None
        if form.proposer_username.data:
            proposer = find_user(db, form.proposer_username.data)
            if proposer is None:
                form.proposer_username.errors = [_("No account has this username.")]
        if not form.errors:
            draft = draft_from(form, channel=form.channel.data,
                               proposer_name=form.proposer_name.data,
                               proposer_id=proposer.id if proposer else None,
                               received_on=form.received_on.data)
            created = save_proposal(db, form, cycle, draft,
                                    then=for_resident(proposer) if proposer else None)
            if created is not None:
                flash(_("The proposal is entered for %(name)s.", name=created.proposer_name),
                      "success")
                if proposer is not None and needs_confirmation(proposer):
                    flash(_("%(name)s gets a code by text message: until they confirm, the "
                            "proposal shows as entered by staff, not yet confirmed.",
                            name=proposer.display_name), "info")
                return redirect(url_for("public.proposal", proposal_id=created.id))
    return render_template("officials/enter.html", form=form, cycle=cycle)


@bp.route("/import-template.csv")
@allow("official")
def import_template():
    return Response(
        template_csv().encode("utf-8-sig"), mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=yishi-import-template.csv"},
    )


@bp.route("/cycles/<int:cycle_id>/import", methods=["GET", "POST"])
@allow("official")
def import_proposals(cycle_id: int):
    """Bulk import of hotline or visit records: the whole file is checked before any row is kept."""
    db = get_session()
    cycle = _collecting_cycle(cycle_id)
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = [_("Choose a file to import.")]
        else:
            data = upload.stream.read(MAX_BYTES + 1)
            report = parse_import(data, upload.filename, today=date.today(),
                                  communities=community_streets(db))
            if report.ok:
                with writing() as work:
                    created = collection.import_rows(db, current_user, cycle, report.rows)
                if work.ok:
                    flash(_("%(n)d proposals imported.", n=len(created)), "success")
                    return redirect(url_for("public.proposals", cycle=cycle_id))
    return render_template("officials/import.html", form=form, cycle=cycle, report=report)


@bp.route("/moderation")
@allow("official")
def moderation_queue():
    db = get_session()
    reports = db.scalars(select(Report).where(Report.resolved_at.is_(None))
                         .order_by(Report.created_at)).all()
    targets = {}
    for r in reports:
        model = Proposal if r.target_type == "proposal" else Comment
        targets[(r.target_type, r.target_id)] = db.get(model, r.target_id)
    hidden_proposals = db.scalars(select(Proposal).where(Proposal.hidden.is_(True))
                                  .order_by(Proposal.id.desc()).limit(50)).all()
    hidden_comments = db.scalars(select(Comment).where(Comment.hidden.is_(True))
                                 .order_by(Comment.id.desc()).limit(50)).all()
    log = db.scalars(select(ModerationLog).order_by(ModerationLog.id.desc()).limit(50)).all()
    return render_template(
        "officials/moderation.html", reports=reports, targets=targets,
        hidden_proposals=hidden_proposals, hidden_comments=hidden_comments, log=log,
        hide_form=HideForm, action_form=ActionForm(),
    )


def _moderate(action) -> Response:
    db = get_session()
    form = HideForm()
    target_id = whole_number(form.target_id.data)
    if not form.validate_on_submit() or target_id is None:
        flash(_("Please give a reason; it is shown to the author."), "error")
    else:
        with writing(success=_("Done; the action is logged.")):
            action(db, current_user, form.target_type.data, target_id,
                   form.reason.data)
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("officials.moderation_queue"))


@bp.route("/moderation/hide", methods=["POST"])
@allow("official")
def hide():
    return _moderate(moderation.hide)


@bp.route("/moderation/unhide", methods=["POST"])
@allow("official")
def unhide():
    return _moderate(moderation.unhide)


@bp.route("/moderation/reports/<int:report_id>/dismiss", methods=["POST"])
@allow("official")
def dismiss(report_id: int):
    db = get_session()
    if ActionForm().validate_on_submit():
        with writing(success=_("Report dismissed; the action is logged.")):
            moderation.dismiss(db, current_user, report_id)
    return redirect(url_for("officials.moderation_queue"))


@bp.route("/proposals/<int:proposal_id>/merge", methods=["GET", "POST"])
@allow("official")
def merge(proposal_id: int):
    """Fold a duplicate into another proposal; its supporters and followers come along."""
    db = get_session()
    source = db.get(Proposal, proposal_id) or abort(404)
    form = MergeForm()
    if form.validate_on_submit():
        target = db.get(Proposal, form.target_id.data)
        if target is None:
            form.target_id.errors = [_("There is no proposal with this number.")]
        else:
            with writing() as work:
                moderation.merge(db, current_user, source, target, form.reason.data)
            if work.ok:
                flash(_("Merged into “%(title)s”.", title=target.title), "success")
                return redirect(url_for("public.proposal", proposal_id=target.id))
    candidates = similar_proposals(db, source.title, cycle_id=source.cycle_id,
                                   exclude_id=source.id, limit=8, threshold=0.2)
    return render_template("officials/merge.html", source=source, form=form,
                           candidates=candidates)
