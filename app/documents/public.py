"""The public documents: a ballot's result announcement and draft resolution, a cycle's
evaluation notice; each public once its data is (the ballot published, a round closed)."""

from __future__ import annotations

from flask import abort, url_for
from flask_babel import gettext as _

from app.auth.access import PUBLIC, allow
from app.db import get_session
from app.documents import content
from app.documents.pdf import pdf_response, settings
from app.extensions import limiter
from app.public import bp
from proposals.cycles.models import Cycle
from proposals.opendata.datasets import round_results
from votes.ballots import Ballot, BallotStatus

# A PDF takes the renderer a few hundred milliseconds: enough for anyone reading, not for
# one address to keep the server's cores busy.
RENDERS_PER_ADDRESS = "30 per minute"


def _ballot_document(ballot_id: int, kind: str) -> content.BallotDocument:
    db = get_session()
    ballot = db.get(Ballot, ballot_id)
    if ballot is None:
        abort(404)
    document = content.ballot_document(
        db, ballot, settings(), kind=kind,
        public_url=url_for("public.ballot_result", ballot_id=ballot.id, _external=True))
    return document or abort(404)


@bp.route("/ballots/<int:ballot_id>/announcement.pdf")
@allow(PUBLIC)
@limiter.limit(RENDERS_PER_ADDRESS)
def ballot_announcement(ballot_id: int):
    """票决结果公告: the adopted projects in rank order, the counts, the digest, the QR code."""
    return pdf_response("documents/announcement.html", f"ballot-{ballot_id}-announcement.pdf",
                        doc=_ballot_document(ballot_id, "announcement"))


@bp.route("/ballots/<int:ballot_id>/resolution-draft.pdf")
@allow(PUBLIC)
@limiter.limit(RENDERS_PER_ADDRESS)
def ballot_resolution(ballot_id: int):
    """决议草案: the adopted projects with their budgets and responsible units."""
    return pdf_response("documents/resolution.html", f"ballot-{ballot_id}-resolution-draft.pdf",
                        doc=_ballot_document(ballot_id, "resolution"))


@bp.route("/cycles/<int:cycle_id>/evaluation-notice.pdf")
@allow(PUBLIC)
@limiter.limit(RENDERS_PER_ADDRESS)
def evaluation_notice(cycle_id: int):
    """测评通报: each project's satisfaction in its latest closed round."""
    db = get_session()
    cycle = db.get(Cycle, cycle_id) or abort(404)
    notice = content.evaluation_notice(db, cycle, settings()) or abort(404)
    return pdf_response("documents/evaluation_notice.html",
                        f"cycle-{cycle_id}-evaluation-notice.pdf", doc=notice)


@bp.app_template_global("ballot_documents")
def ballot_documents(ballot: Ballot) -> list[tuple[str, str]]:
    """(label, address) of each document of a ballot, for its public page."""
    if ballot.status != BallotStatus.PUBLISHED or ballot.subject_type not in (
            content.PROJECT_BALLOTS):
        return []
    found = [(_("Result announcement (PDF, in Chinese)"),
              url_for("public.ballot_announcement", ballot_id=ballot.id))]
    if ballot.subject_type == "cycle":
        found.append((_("Draft resolution (PDF, in Chinese)"),
                      url_for("public.ballot_resolution", ballot_id=ballot.id)))
    return found


@bp.app_template_global("evaluation_notice_url")
def evaluation_notice_url(cycle: Cycle) -> str | None:
    """The cycle's evaluation notice, once one of its rounds has closed."""
    if any(r.closed_at is not None for r in round_results(get_session(), cycle.id)):
        return url_for("public.evaluation_notice", cycle_id=cycle.id)
    return None
