"""Services of proposal collection: submit, co-sign, follow, discuss, and notify."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from proposals.collection.models import (
    Category,
    Channel,
    Comment,
    Cosign,
    Follow,
    Notification,
    Proposal,
    ProposalStatus,
    ProposalVersion,
)
from proposals.collection.text import search_document
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from proposals.notices.services import queue_deliveries
from votes.base import DomainError, utcnow
from votes.people import Role, User
from votes.places import Level, Place, communities_within, labels, require_community

TITLE_MAX = 80
DESCRIPTION_MAX = 2000
NAME_MAX = 60
COMMENT_MAX = 1000
BENEFICIARIES_MAX = 10_000_000

# Who may enter a proposal through each channel: residents speak for themselves
# online; the offline channels are staffed by officials and delegates.
CHANNEL_ROLES = {
    Channel.ONLINE: (Role.RESIDENT,),
    Channel.VISIT: (Role.OFFICIAL, Role.DELEGATE),
    Channel.LIAISON_STATION: (Role.DELEGATE, Role.OFFICIAL),
    Channel.HOTLINE: (Role.OFFICIAL,),
}


@dataclass(frozen=True)
class ProposalDraft:
    title: str
    description: str
    category: str
    # The community (a Place, or its name: names are unique); the street and district
    # follow from its record.
    community: Place | str
    beneficiaries: int | None = None
    channel: str = Channel.ONLINE.value
    proposer_name: str | None = None  # offline channels: the resident spoken for
    proposer_id: int | None = None
    received_on: date | None = None
    # The resident chose (online) or agreed (offline) to have their name published.
    proposer_named: bool = False


def clean_text(value: str | None, field: str, limit: int) -> str:
    """Trimmed text, refused when empty or longer than `limit` (the field is named)."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise DomainError("required", field=field)
    if len(cleaned) > limit:
        raise DomainError("too_long", field=field, max=limit)
    return cleaned


def require_collecting(cycle: Cycle) -> None:
    if cycle.stage != Stage.COLLECTION.value:
        raise DomainError("not_collecting")


def _content(session: Session, draft: ProposalDraft) -> dict:
    """The proposal's own words and place from a draft, checked: what an edit may change."""
    try:
        category = Category(draft.category)
    except ValueError:
        raise DomainError("invalid_choice") from None
    if draft.beneficiaries is not None and not 0 <= draft.beneficiaries <= BENEFICIARIES_MAX:
        raise DomainError("out_of_range", field="beneficiaries", max=BENEFICIARIES_MAX)
    title = clean_text(draft.title, "title", TITLE_MAX)
    description = clean_text(draft.description, "description", DESCRIPTION_MAX)
    place = require_community(session, draft.community)
    district, street, community = labels(place)
    return {
        "title": title, "description": description, "category": category.value,
        "place": place, "district": district, "street": street, "community": community,
        "beneficiaries": draft.beneficiaries,
    }


CONTENT_FIELDS = ("title", "description", "category", "district", "street", "community",
                  "beneficiaries")


def submit_proposal(session: Session, actor: User, cycle: Cycle, draft: ProposalDraft) -> Proposal:
    """Record a proposal: a resident's own online, or one entered for a named resident."""
    require_collecting(cycle)
    try:
        channel = Channel(draft.channel)
        Category(draft.category)
    except ValueError:
        raise DomainError("invalid_choice") from None
    if not actor.has_role(*CHANNEL_ROLES[channel]):
        raise DomainError("channel_not_allowed")
    if draft.received_on is not None and draft.received_on > date.today():
        raise DomainError("future_date", field="received_on")
    if channel is Channel.ONLINE:
        proposer_id, proposer_name = actor.id, actor.display_name
    else:
        proposer_name = clean_text(draft.proposer_name, "proposer_name", NAME_MAX)
        proposer_id = draft.proposer_id
    content = _content(session, draft)
    proposal = Proposal(
        cycle_id=cycle.id, **content, channel=channel.value, proposer_id=proposer_id,
        proposer_name=proposer_name, proposer_named=bool(draft.proposer_named),
        entered_by_id=actor.id, received_on=draft.received_on,
        search_text=search_document(content["title"], content["description"]),
    )
    session.add(proposal)
    session.flush()
    if proposer_id is not None:
        session.add(Follow(proposal_id=proposal.id, user_id=proposer_id))
        session.flush()
    return proposal


# --- the author's own changes: edit and withdraw while collection is open -----------------

WITHDRAW_REASON_MAX = 500


def _require_own_and_open(actor: User, proposal: Proposal) -> None:
    """Only the resident who wrote it online, only while the cycle collects, only before
    officials have screened, merged or declined it."""
    if proposal.proposer_id != actor.id or proposal.entered_by_id != actor.id:
        raise DomainError("not_your_proposal")
    require_collecting(proposal.cycle)
    if proposal.status == ProposalStatus.WITHDRAWN.value:
        raise DomainError("proposal_withdrawn")
    if proposal.status != ProposalStatus.SUBMITTED.value or proposal.merged_into_id:
        raise DomainError("proposal_screened")


def check_change(actor: User, proposal: Proposal, *, editing: bool = False) -> None:
    """Raise why `actor` may not edit (editing=True) or withdraw the proposal now."""
    _require_own_and_open(actor, proposal)
    if editing and proposal.hidden:
        raise DomainError("hidden_not_editable")


def may_change(actor: User | None, proposal: Proposal, *, editing: bool = False) -> bool:
    """Whether `actor` may edit (editing=True) or withdraw the proposal now."""
    if actor is None or getattr(actor, "id", None) is None:
        return False
    try:
        check_change(actor, proposal, editing=editing)
    except DomainError:
        return False
    return True


def _supporters(session: Session, proposal: Proposal, actor: User) -> set[int]:
    """Who is told of the author's change: its co-signers and followers, not the author."""
    people = set(session.scalars(select(Cosign.user_id).where(Cosign.proposal_id == proposal.id)))
    people.update(followers(session, proposal.id))
    people.discard(actor.id)
    return people


def edit_proposal(session: Session, actor: User, proposal: Proposal,
                  draft: ProposalDraft) -> ProposalVersion:
    """Change the author's own proposal; the text it replaces is kept as a numbered version,
    and its co-signers and followers are told. Returns the version kept."""
    check_change(actor, proposal, editing=True)
    content = _content(session, draft)
    if all(getattr(proposal, key) == value for key, value in content.items()):
        raise DomainError("nothing_changed")
    number = len(proposal.versions) + 1
    earlier = ProposalVersion(
        proposal_id=proposal.id, number=number,
        written_at=proposal.edited_at or proposal.created_at,
        **{key: getattr(proposal, key) for key in CONTENT_FIELDS})
    proposal.versions.append(earlier)
    for key, value in content.items():
        setattr(proposal, key, value)
    proposal.edited_at = earlier.replaced_at = utcnow()
    proposal.search_text = search_document(proposal.title, proposal.description)
    session.flush()
    notify(session, _supporters(session, proposal, actor), "proposal_edited", proposal,
           title=proposal.title)
    return earlier


def withdraw_proposal(session: Session, actor: User, proposal: Proposal,
                      reason: str | None = None) -> None:
    """The author takes their proposal back: it stays visible, marked withdrawn with the
    reason if they gave one, and takes no more co-signs or comments."""
    _require_own_and_open(actor, proposal)
    text = (reason or "").strip()
    if len(text) > WITHDRAW_REASON_MAX:
        raise DomainError("too_long", field="reason", max=WITHDRAW_REASON_MAX)
    proposal.status = ProposalStatus.WITHDRAWN.value
    proposal.withdrawn_at = utcnow()
    proposal.withdrawn_reason = text or None
    session.flush()
    notify(session, _supporters(session, proposal, actor), "proposal_withdrawn", proposal,
           title=proposal.title)


def import_rows(session: Session, actor: User, cycle: Cycle, rows: Iterable) -> list[Proposal]:
    """Enter a checked import (proposals.importing) in one go; any refusal stops them all.

    Imported callers are never named publicly: nobody asked them.
    """
    return [
        submit_proposal(session, actor, cycle, ProposalDraft(
            title=row.title, description=row.description, category=row.category,
            community=row.community, beneficiaries=row.beneficiaries, channel=row.channel,
            proposer_name=row.proposer_name, received_on=row.received_on,
            proposer_named=False))
        for row in rows
    ]


def _open_for_support(proposal: Proposal) -> None:
    require_collecting(proposal.cycle)
    if proposal.status == ProposalStatus.WITHDRAWN.value:
        raise DomainError("proposal_withdrawn")
    if proposal.hidden or proposal.status == ProposalStatus.MERGED.value:
        raise DomainError("proposal_closed")


def cosign(session: Session, actor: User, proposal: Proposal) -> None:
    """Add the resident's co-sign; the primary key makes a second one impossible."""
    if not actor.has_role(Role.RESIDENT):
        raise DomainError("residents_only")
    _open_for_support(proposal)
    if proposal.proposer_id == actor.id:
        raise DomainError("own_proposal")
    try:
        with session.begin_nested():
            session.add(Cosign(proposal_id=proposal.id, user_id=actor.id))
    except IntegrityError:
        raise DomainError("already_cosigned") from None
    _bump(session, proposal, Proposal.cosign_count, +1)
    follow(session, actor, proposal)


def withdraw_cosign(session: Session, actor: User, proposal: Proposal) -> None:
    require_collecting(proposal.cycle)
    removed = session.execute(
        delete(Cosign).where(Cosign.proposal_id == proposal.id, Cosign.user_id == actor.id)
    ).rowcount
    if not removed:
        raise DomainError("not_cosigned")
    _bump(session, proposal, Proposal.cosign_count, -1)


def _bump(session: Session, proposal: Proposal, column, delta: int) -> None:
    # An UPDATE ... SET n = n + 1, so concurrent co-signs never lose a count.
    session.execute(
        update(Proposal).where(Proposal.id == proposal.id).values({column: column + delta})
    )
    session.refresh(proposal, [column.key])


def has_cosigned(session: Session, user_id: int, proposal_id: int) -> bool:
    return session.get(Cosign, (proposal_id, user_id)) is not None


def is_following(session: Session, user_id: int, proposal_id: int) -> bool:
    return session.get(Follow, (proposal_id, user_id)) is not None


def follow(session: Session, actor: User, proposal: Proposal) -> None:
    if not is_following(session, actor.id, proposal.id):
        session.add(Follow(proposal_id=proposal.id, user_id=actor.id))
        session.flush()


def unfollow(session: Session, actor: User, proposal: Proposal) -> None:
    session.execute(
        delete(Follow).where(Follow.proposal_id == proposal.id, Follow.user_id == actor.id)
    )


def speaking_role(actor: User) -> str | None:
    """The capacity marked on a comment: official before delegate, residents unmarked."""
    if actor.has_role(Role.OFFICIAL):
        return Role.OFFICIAL.value
    if actor.has_role(Role.DELEGATE):
        return Role.DELEGATE.value
    return None


def add_comment(
    session: Session, actor: User, proposal: Proposal, body: str, parent: Comment | None = None
) -> Comment:
    if proposal.hidden:
        raise DomainError("proposal_closed")
    if proposal.status == ProposalStatus.WITHDRAWN.value:
        raise DomainError("proposal_withdrawn")
    text = clean_text(body, "body", COMMENT_MAX)
    if parent is not None and (parent.proposal_id != proposal.id or parent.hidden):
        raise DomainError("bad_parent")
    comment = Comment(proposal_id=proposal.id, parent_id=parent.id if parent else None,
                      author_id=actor.id, author_role=speaking_role(actor), body=text)
    session.add(comment)
    session.flush()
    _bump(session, proposal, Proposal.comment_count, +1)
    told = set()
    # The notice names the comment, so it links to it (#comment-<id> on the proposal's page).
    if parent is not None and parent.author_id != actor.id:
        notify(session, [parent.author_id], "reply", proposal, name=actor.display_name,
               comment=comment.id)
        told.add(parent.author_id)
    if proposal.proposer_id and proposal.proposer_id not in told | {actor.id}:
        notify(session, [proposal.proposer_id], "comment", proposal, name=actor.display_name,
               comment=comment.id)
        told.add(proposal.proposer_id)
    follow(session, actor, proposal)
    return comment


def followers(session: Session, proposal_id: int) -> list[int]:
    return list(session.scalars(select(Follow.user_id).where(Follow.proposal_id == proposal_id)))


def notify(session: Session, user_ids: Iterable[int], kind: str, proposal: Proposal | None,
           **params) -> None:
    notices = [Notification(user_id=user_id, kind=kind,
                            proposal_id=proposal.id if proposal else None, params=params)
               for user_id in sorted(set(user_ids))]
    session.add_all(notices)
    queue_deliveries(session, notices)  # the email/SMS outbox, in this same transaction


def change_status(session: Session, proposal: Proposal, status: ProposalStatus,
                  *, actor: User, **params) -> None:
    """Set a proposal's status and tell its proposer and followers, as the issue asks."""
    proposal.status = status.value
    audience = set(followers(session, proposal.id))
    if proposal.proposer_id:
        audience.add(proposal.proposer_id)
    audience.discard(actor.id)
    notify(session, audience, "status", proposal, status=status.value, **params)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def mark_read(session: Session, user_id: int) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def on_place_renamed(place: Place, *, session: Session, **_) -> None:
    """votes.places.place_renamed: the proposals there keep the place's new name."""
    column = {Level.COMMUNITY.value: Proposal.community, Level.STREET.value: Proposal.street,
              Level.DISTRICT.value: Proposal.district}[place.level]
    session.execute(update(Proposal).where(Proposal.place_id.in_(communities_within(place)))
                    .values({column: place.name}).execution_options(synchronize_session="fetch"))


def reindex_search(session: Session) -> int:
    """Rebuild every proposal's search text with today's word list; returns how many changed.

    Run after the dictionary (proposals/collection/data/userdict.txt) changes: text indexed
    before was cut into words the old way, so a search for a new whole word would miss it.
    """
    changed = 0
    rows = session.execute(select(Proposal.id, Proposal.title, Proposal.description,
                                  Proposal.search_text)).all()
    for proposal_id, title, description, indexed in rows:
        text = search_document(title, description)
        if text != indexed:
            session.execute(update(Proposal).where(Proposal.id == proposal_id)
                            .values(search_text=text))
            changed += 1
    return changed
