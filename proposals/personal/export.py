"""Everything Yishi keeps about one person, as plain values for their own download.

Each part is one small function `(session, user) -> list | dict` of JSON values (dates as ISO
text); PARTS lists them in the order the file shows them, so a new table about people adds
one line there. Never in it: the password's hash, a session's or reset's token and code, and
no choice of any ballot. A secret ballot keeps no link from a person to a choice and none is
made here: only whether the person was on a ballot's roster and recorded as having voted.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from proposals.assisted.models import AssistedEntry
from proposals.collection.models import (
    Comment,
    Cosign,
    Follow,
    Notification,
    Proposal,
    Report,
)
from proposals.council.models import (
    Attendance,
    Council,
    Meeting,
    MeetingComment,
    Topic,
    TopicRating,
)
from proposals.evaluation.models import Rating
from proposals.implementation.models import Project
from proposals.notices.models import NoticeDelivery, NoticePreference
from proposals.requests.models import Request, RequestRating
from votes.ballots import Ballot, BallotRosterEntry, VoterRecord
from votes.base import utcnow
from votes.people import Assembly, Membership, User
from votes.residence import Residency
from votes.sessions import AccountSession, PasswordReset

FORMAT = "yishi-personal-data"
FORMAT_VERSION = 1

Part = Callable[[Session, User], Any]


def plain(value: Any) -> Any:
    """A value as JSON holds it: dates and times as ISO 8601 text, codes as their text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def fields(row: Any, *names: str, **extra: Any) -> dict[str, Any]:
    return {**{name: plain(getattr(row, name)) for name in names},
            **{key: plain(value) for key, value in extra.items()}}


# ---- the parts -----------------------------------------------------------------------------

def account(session: Session, user: User) -> dict:
    return fields(user, "id", "username", "display_name", "email", "mobile", "community",
                  "unit", "locale", "active", "created_at", "consented_at", "consent_version")


def roles(session: Session, user: User) -> list[str]:
    return sorted(str(role) for role in user.roles)


def sign_ins(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(AccountSession).where(AccountSession.user_id == user.id)
                           .order_by(AccountSession.id))
    return [fields(r, "description", "created_at", "last_seen_at", "ended_at") for r in rows]


def password_resets(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id)
                           .order_by(PasswordReset.id))
    return [fields(r, "channel", "created_at", "expires_at", "used_at", "ended_at",
                   sent_by_administrator=r.issued_by_id is not None) for r in rows]


def seats(session: Session, user: User) -> list[dict]:
    rows = session.execute(select(Membership, Assembly).join(Assembly)
                           .where(Membership.user_id == user.id).order_by(Membership.id))
    return [fields(m, "title", "joined_on", "left_on", assembly=a.name, kind=a.kind)
            for m, a in rows]


def proposals(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(Proposal).where(Proposal.proposer_id == user.id)
                           .order_by(Proposal.id))
    return [fields(p, "id", "cycle_id", "title", "description", "category", "district",
                   "street", "community", "beneficiaries", "channel", "status",
                   "proposer_name", "proposer_named", "created_at", "edited_at",
                   "withdrawn_at", "withdrawn_reason", "hidden", "hidden_reason",
                   "cosign_count", "comment_count",
                   earlier_texts=[fields(v, "number", "title", "description", "written_at")
                                  for v in p.versions],
                   photos=[fields(photo, "original_name", "content_type", "size",
                                  "created_at") for photo in p.photos])
            for p in rows]


def _supported(session: Session, user: User, table) -> list[dict]:
    rows = session.execute(select(table.proposal_id, Proposal.title, table.created_at)
                           .join(Proposal, Proposal.id == table.proposal_id)
                           .where(table.user_id == user.id).order_by(table.created_at))
    return [{"proposal_id": pid, "title": title, "at": plain(at)} for pid, title, at in rows]


def cosigns(session: Session, user: User) -> list[dict]:
    return _supported(session, user, Cosign)


def follows(session: Session, user: User) -> list[dict]:
    return _supported(session, user, Follow)


def comments(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(Comment).where(Comment.author_id == user.id)
                           .order_by(Comment.id))
    return [fields(c, "id", "proposal_id", "parent_id", "body", "author_role", "created_at",
                   "hidden", "hidden_reason") for c in rows]


def reports(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(Report).where(Report.reporter_id == user.id)
                           .order_by(Report.id))
    return [fields(r, "target_type", "target_id", "proposal_id", "reason", "created_at",
                   "resolved_at", "resolution") for r in rows]


def notifications(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.id))
    return [fields(n, "id", "kind", "proposal_id", "params", "created_at", "read_at")
            for n in rows]


def ratings(session: Session, user: User) -> list[dict]:
    rows = session.execute(select(Rating, Project.title)
                           .join(Project, Project.id == Rating.project_id)
                           .where(Rating.user_id == user.id).order_by(Rating.id))
    return [fields(r, "project_id", "round_no", "rater_kind", "level", "comment",
                   "created_at", "updated_at", project=title) for r, title in rows]


def requests(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(Request).where(Request.requester_id == user.id)
                           .order_by(Request.id))
    return [fields(r, "number", "title", "description", "category", "community", "urgency",
                   "channel", "status", "raised_at", "replied_at", "reply", "closed_at")
            for r in rows]


def request_ratings(session: Session, user: User) -> list[dict]:
    rows = session.execute(select(RequestRating, Request.number)
                           .join(Request, Request.id == RequestRating.request_id)
                           .where(RequestRating.rated_by_id == user.id)
                           .order_by(RequestRating.id))
    return [fields(r, "round", "rating", "comment", "rated_at", request=number)
            for r, number in rows]


def council_topics(session: Session, user: User) -> list[dict]:
    rows = session.execute(select(Topic, Council.name).join(Council)
                           .where(Topic.raised_by_id == user.id).order_by(Topic.id))
    return [fields(t, "id", "title", "description", "category", "state", "raised_on",
                   "result", "reported_on", "rating", "resolved_on", council=name)
            for t, name in rows]


def council_ratings(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(TopicRating).where(TopicRating.rated_by_id == user.id)
                           .order_by(TopicRating.id))
    return [fields(r, "topic_id", "round", "rating", "comment", "rated_on") for r in rows]


def council_comments(session: Session, user: User) -> list[dict]:
    rows = session.execute(select(MeetingComment, Meeting.council_id).join(Meeting)
                           .where(MeetingComment.author_id == user.id)
                           .order_by(MeetingComment.id))
    return [fields(c, "meeting_id", "body", "created_at", council_id=council_id)
            for c, council_id in rows]


def council_attendance(session: Session, user: User) -> list[dict]:
    rows = session.execute(select(Attendance, Meeting).join(Meeting)
                           .where(Attendance.user_id == user.id).order_by(Meeting.held_on))
    return [fields(a, "meeting_id", "present", held_on=m.held_on, council_id=m.council_id)
            for a, m in rows]


def notice_preferences(session: Session, user: User) -> dict | None:
    row = session.get(NoticePreference, user.id)
    return None if row is None else fields(row, "email", "sms", "updated_at")


def notice_deliveries(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(NoticeDelivery).where(NoticeDelivery.user_id == user.id)
                           .order_by(NoticeDelivery.id))
    return [fields(d, "notification_id", "channel", "status", "attempts", "created_at",
                   "sent_at") for d in rows]


def ballots(session: Session, user: User) -> list[dict]:
    """The ballots whose roster held the person, and whether they are recorded as voting:
    never how (there is no link from a person to a choice to read)."""
    voted = set(session.scalars(select(VoterRecord.ballot_id)
                                .where(VoterRecord.user_id == user.id)))
    rows = session.execute(select(BallotRosterEntry, Ballot).join(Ballot)
                           .where(BallotRosterEntry.user_id == user.id).order_by(Ballot.id))
    return [{"ballot_id": b.id, "title": b.title, "status": b.status,
             "checked_in": entry.present, "voted": b.id in voted} for entry, b in rows]


def residence(session: Session, user: User) -> list[dict]:
    """The register of residents: where the person was verified, how, on what evidence."""
    rows = session.scalars(select(Residency).where(Residency.user_id == user.id)
                           .order_by(Residency.id))
    return [fields(r, "method", "evidence", "address", "verified_at", "ended_at",
                   "end_reason", community=r.place.name) for r in rows]


def entered_for_me(session: Session, user: User) -> list[dict]:
    """What staff entered in the person's name, and what became of it."""
    rows = session.scalars(select(AssistedEntry).where(AssistedEntry.resident_id == user.id)
                           .order_by(AssistedEntry.id))
    return [fields(e, "kind", "proposal_id", "project_id", "level", "comment", "state",
                   "created_at", "settled_at") for e in rows]


PARTS: list[tuple[str, Part]] = [
    ("account", account),
    ("roles", roles),
    ("sign_ins", sign_ins),
    ("password_resets", password_resets),
    ("seats", seats),
    ("proposals", proposals),
    ("cosigns", cosigns),
    ("follows", follows),
    ("comments", comments),
    ("reports", reports),
    ("notifications", notifications),
    ("ratings", ratings),
    ("requests", requests),
    ("request_ratings", request_ratings),
    ("council_topics", council_topics),
    ("council_ratings", council_ratings),
    ("council_comments", council_comments),
    ("council_attendance", council_attendance),
    ("notice_preferences", notice_preferences),
    ("notice_deliveries", notice_deliveries),
    ("ballots", ballots),
    ("residence", residence),
    ("entered_for_me", entered_for_me),
]


def export(session: Session, user: User, now: datetime | None = None) -> dict[str, Any]:
    """The person's data, part by part, with what the file is and when it was made."""
    data: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION,
                            "exported_at": plain(now or utcnow())}
    for name, part in PARTS:
        data[name] = part(session, user)
    return data
