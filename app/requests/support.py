"""What the request pages of every audience share: the moment, loading, refusals, deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort, current_app, flash, render_template

from app.db import get_session
from app.requests.messages import LABELS
from app.templating import CATEGORY_LABELS
from proposals.requests import clock
from proposals.requests.models import Request, Status
from votes.base import DomainError


def now() -> datetime:
    """The app's moment: the NOW setting when given (tests fix the clock), else the time."""
    fixed = current_app.config.get("NOW")
    return fixed if fixed is not None else datetime.now(UTC)


def load_request(request_id: int) -> Request:
    return get_session().get(Request, request_id) or abort(404)


def message(error: DomainError) -> str:
    """A refusal in the reader's words (this context's are joined in app/messages.py)."""
    from app.messages import domain_message

    return domain_message(error)


def show(error: DomainError | None, form=None) -> None:
    """Put a refusal next to its field of `form`, or else flash it."""
    if error is None:
        return
    field = getattr(form, str(error.params.get("field", "")), None) if form else None
    if field is not None:
        field.errors = [*field.errors, message(error)]
    else:
        flash(message(error), "error")


def render(template: str, **context):
    """A request page, with this context's labels as `rq` and the proposals' categories."""
    return render_template(template, rq=LABELS, request_categories=CATEGORY_LABELS, **context)


@dataclass(frozen=True)
class Clock:
    """The deadline a request is now held to, and whether it has passed — said in words."""

    kind: str  # "sign", "resolve", "stopped" or "none"
    due: datetime | None
    overdue: bool


def clock_of(request: Request, moment: datetime) -> Clock:
    """The request's clock as of `moment`, from its own row (no query: lists call it per row).
    While it waits for the requester the clock is stopped and nothing is overdue."""
    status = Status(request.status)
    if status is Status.DISPATCHED:
        due = clock.local(request.sign_due_at)
        return Clock("sign", due, clock.local(moment) > due)
    if status is Status.WAITING:
        return Clock("stopped", None, False)
    if status in (Status.SIGNED, Status.REOPENED):
        due = clock.local(request.resolve_due_at)
        return Clock("resolve", due, clock.local(moment) > due)
    return Clock("none", None, False)
