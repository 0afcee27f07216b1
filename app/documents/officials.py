"""The officials' document: the supervision letter (督办函) of one escalation."""

from __future__ import annotations

from flask import abort, current_app

from app.auth.access import allow
from app.db import get_session
from app.documents import content
from app.documents.pdf import pdf_response, settings
from app.officials import bp
from proposals.implementation.models import Escalation


@bp.route("/escalations/<int:escalation_id>/letter.pdf")
@allow("official", "admin")
def supervision_letter(escalation_id: int):
    """督办函: to the responsible unit, with the grounds as they stood on the day."""
    escalation = get_session().get(Escalation, escalation_id) or abort(404)
    letter = content.supervision_letter(
        get_session(), escalation, settings(),
        answer_days=current_app.config["FOLLOW_UP_ANSWER_DAYS"])
    return pdf_response("documents/supervision_letter.html",
                        f"escalation-{escalation_id}-letter.pdf", doc=letter)
