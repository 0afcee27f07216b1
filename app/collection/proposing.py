"""Saving a proposal from a form, shared by residents' and officials' pages: photos, then text."""

from collections.abc import Callable

from flask_login import current_user

from app.db import writing
from app.uploads import attach, discard, store_all
from proposals.collection import services as collection
from proposals.collection.models import Proposal
from proposals.collection.services import ProposalDraft
from proposals.cycles.models import Cycle


def draft_from(form, **extra) -> ProposalDraft:
    return ProposalDraft(
        title=form.title.data, description=form.description.data, category=form.category.data,
        community=form.community.data, beneficiaries=form.beneficiaries.data,
        proposer_named=bool(form.proposer_named.data),
        **extra)


def save_proposal(db, form, cycle: Cycle, draft: ProposalDraft,
                  then: Callable[[Proposal], None] | None = None) -> Proposal | None:
    """Store photos, then the proposal, then whatever `then` adds to it; commit once.
    Returns the proposal, or None on errors."""
    stored, photo_errors = store_all(form.photos.data)
    if photo_errors:
        form.photos.errors = photo_errors
        return None
    with writing(form, undo=lambda: discard(stored)) as work:
        created = collection.submit_proposal(db, current_user, cycle, draft)
        attach(created, stored)
        if then is not None:
            then(created)
    return created if work.ok else None
