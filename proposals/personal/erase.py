"""Deleting one's account: what stays public, what is unlinked, what goes, in one transaction.

- What the person wrote for the public stays public, shown under "former resident" (前居民):
  proposals, comments, council topics and comments. Their co-signs stay counted.
- Ratings stay counted (rating_counts is not touched) and lose their link to the person.
- The ballots stay as they were: a secret ballot never had a link from a person to a choice;
  who was on a roster and who voted stay the record of a closed ballot.
- The account's personal fields are wiped, its password made unusable, every session ended;
  follows, notifications with their outbox rows (so nothing not yet sent is sent), notice
  choices and reset codes are removed. The audit log is append-only and stays.

Refused while the person is an official or administrator (an administrator closes such an
account), holds a seat in an assembly, or is on the roster of a ballot that is open. Each
refusal is one small check in CHECKS and each step one small function in STEPS, so a new
table about people adds one line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from proposals.assisted.models import AssistedEntry
from proposals.collection.models import Comment, Follow, Notification, Proposal
from proposals.evaluation.models import Rating
from proposals.notices.models import NoticeDelivery, NoticePreference
from votes.ballots import Ballot, BallotRosterEntry, BallotStatus
from votes.base import DomainError, utcnow
from votes.mobiles import MobileCode
from votes.people import Membership, Role, User
from votes.residence import Residency
from votes.sessions import PasswordReset, end_sessions

# The name a deleted account goes by wherever a name is kept or shown; pages say it in the
# reader's language ("former resident"), stored data in the site's own.
FORMER_NAME = "前居民"
# No password hash of argon2 looks like this, so no password ever matches it.
UNUSABLE_PASSWORD = "!deleted"  # noqa: S105  (not a password: a hash nothing matches)
ACCOUNT_DELETED = "account deleted"  # the reason a deleted account's verification ended

# Notices that quote the name of the comment's author (proposals/collection/services.py).
QUOTING_KINDS = ("reply", "comment")


def placeholder_username(user: User) -> str:
    """Unique and unusable: "~" is not allowed in a name one registers or signs in with."""
    return f"~deleted-{user.id}"


# ---- refusals: each a question about the person on `today` -------------------------------

Check = Callable[[Session, User, date], bool]


def _serves_as_official(session: Session, user: User, today: date) -> bool:
    return user.has_role(Role.OFFICIAL, Role.ADMIN)


def _holds_a_seat(session: Session, user: User, today: date) -> bool:
    return bool(session.scalar(select(exists().where(
        Membership.user_id == user.id,
        Membership.left_on.is_(None) | (Membership.left_on >= today)))))


def _on_an_open_roster(session: Session, user: User, today: date) -> bool:
    return bool(session.scalar(select(exists().where(
        BallotRosterEntry.user_id == user.id, BallotRosterEntry.ballot_id == Ballot.id,
        Ballot.status == BallotStatus.OPEN.value))))


CHECKS: list[tuple[str, Check]] = [
    ("erase_official", _serves_as_official),
    ("erase_seat", _holds_a_seat),
    ("erase_open_ballot", _on_an_open_roster),
]


def refusals(session: Session, user: User, today: date) -> list[str]:
    """Why the account cannot be deleted now, as codes; empty when it can."""
    return [code for code, applies in CHECKS if applies(session, user, today)]


# ---- the steps: each one table's part -------------------------------------------------------

Step = Callable[[Session, User, datetime], None]


def _end_every_session(session: Session, user: User, now: datetime) -> None:
    end_sessions(session, user.id, now=now)
    user.end_sessions()  # and every cookie naming the account, whatever its session


def _drop_reset_codes(session: Session, user: User, now: datetime) -> None:
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    # The mobile codes keep the number they went to (votes/mobiles.py).
    session.execute(delete(MobileCode).where(MobileCode.user_id == user.id))


def _drop_notices(session: Session, user: User, now: datetime) -> None:
    # The outbox rows first: those not yet sent are cancelled with them, and a worker that
    # holds one finds the account gone and skips it (app/notices/delivery.py).
    session.execute(delete(NoticeDelivery).where(NoticeDelivery.user_id == user.id))
    session.execute(delete(Notification).where(Notification.user_id == user.id))
    session.execute(delete(NoticePreference).where(NoticePreference.user_id == user.id))


def _unname_in_others_notices(session: Session, user: User, now: datetime) -> None:
    # "王秀英 replied to your comment": others' notices of the person's comments quote the
    # name; they keep the notice and read the name a deleted account goes by.
    theirs = set(session.scalars(select(Comment.id).where(Comment.author_id == user.id)))
    if not theirs:
        return
    notices = session.scalars(select(Notification).where(
        Notification.kind.in_(QUOTING_KINDS), Notification.user_id != user.id,
        Notification.proposal_id.in_(
            select(Comment.proposal_id).where(Comment.author_id == user.id))))
    for notice in notices:
        if (notice.params or {}).get("comment") in theirs:
            notice.params = {**notice.params, "name": FORMER_NAME}


def _drop_follows(session: Session, user: User, now: datetime) -> None:
    session.execute(delete(Follow).where(Follow.user_id == user.id))


def _unlink_ratings(session: Session, user: User, now: datetime) -> None:
    # Counted already in rating_counts, which stay as they are.
    session.execute(update(Rating).where(Rating.user_id == user.id).values(user_id=None))


def _proposals_under_former_name(session: Session, user: User, now: datetime) -> None:
    # The name kept with each proposal is the person's; the proposal stays as it is.
    session.execute(update(Proposal).where(Proposal.proposer_id == user.id)
                    .values(proposer_name=FORMER_NAME))


def _leave_the_register(session: Session, user: User, now: datetime) -> None:
    # A deleted account lives nowhere: its verification ends, and the register keeps of it
    # only when and where, not the address or the document seen.
    session.execute(update(Residency).where(Residency.user_id == user.id,
                                            Residency.ended_at.is_(None))
                    .values(ended_at=now, end_reason=ACCOUNT_DELETED))
    session.execute(update(Residency).where(Residency.user_id == user.id)
                    .values(address=None, evidence=None))


def _forget_entries_for_them(session: Session, user: User, now: datetime) -> None:
    # What waited for their code never will be confirmed; their words in it go.
    session.execute(update(AssistedEntry).where(AssistedEntry.resident_id == user.id,
                                                AssistedEntry.state == "pending")
                    .values(state="lapsed", settled_at=now))
    session.execute(update(AssistedEntry).where(AssistedEntry.resident_id == user.id)
                    .values(comment=None))


def _wipe_account(session: Session, user: User, now: datetime) -> None:
    user.username = placeholder_username(user)
    user.display_name = FORMER_NAME
    user.email = user.mobile = user.community = user.unit = user.locale = None
    user.place = None  # where they said they live, by key too
    user.mobile_confirmed_at = None  # the number is free for its holder's next account
    user.password_hash = UNUSABLE_PASSWORD
    user.active = False
    user.role_rows.clear()
    user.deleted_at = now


STEPS: list[tuple[str, Step]] = [
    ("sessions", _end_every_session),
    ("password_resets", _drop_reset_codes),
    ("notices", _drop_notices),
    ("others_notices", _unname_in_others_notices),
    ("follows", _drop_follows),
    ("ratings", _unlink_ratings),
    ("proposals", _proposals_under_former_name),
    ("residence", _leave_the_register),
    ("entered_for_me", _forget_entries_for_them),
    ("account", _wipe_account),
]


def erase_account(session: Session, user: User, today: date,
                  now: datetime | None = None) -> None:
    """Delete `user`'s account as the module says; only flushes (the caller commits once).

    Raises DomainError with the first refusal's code (all of them in `reasons`) before
    anything is written.
    """
    if user.deleted_at is not None:
        raise DomainError("erase_done")
    found = refusals(session, user, today)
    if found:
        raise DomainError(found[0], reasons=found)
    now = now or utcnow()
    for _name, step in STEPS:
        step(session, user, now)
    session.flush()
