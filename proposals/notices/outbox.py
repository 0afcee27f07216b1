"""The worker's moves on the outbox: claim what is due, then mark it sent, failed or skipped.

Each move only flushes; the worker commits a claim before it talks to a server and the
outcome after, so a worker killed in between leaves a claim that lapses (`claimed_until`)
and the delivery is due again. Claims are compare-and-set UPDATEs, safe with several
workers; on PostgreSQL the candidate row is also picked FOR UPDATE SKIP LOCKED, so workers
do not queue behind each other's row.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from proposals.notices.models import Channel, NoticeDelivery, Status
from proposals.notices.schedule import MAX_ATTEMPTS, after_failure


@dataclass(frozen=True)
class Claim:
    """Deliveries one worker holds: one, or a digest's (one person's, one email)."""

    token: str
    channel: Channel
    user_id: int
    deliveries: tuple[NoticeDelivery, ...]


def _due(now: datetime, digest_cutoff: datetime):
    D = NoticeDelivery
    ready = or_(and_(D.status == Status.PENDING.value, D.next_attempt_at <= now),
                and_(D.status == Status.SENDING.value, D.claimed_until < now,
                     D.attempts < MAX_ATTEMPTS))
    # A digest takes the notices written before the latest digest hour, and no later ones.
    in_time = or_(D.channel != Channel.DIGEST.value, D.created_at <= digest_cutoff)
    return and_(ready, in_time)


def give_up_lost(session: Session, now: datetime) -> int:
    """Deliveries whose every attempt ended with its worker gone: failed, not tried forever."""
    D = NoticeDelivery
    result = session.execute(
        update(D).where(D.status == Status.SENDING.value, D.claimed_until < now,
                        D.attempts >= MAX_ATTEMPTS)
        .values(status=Status.FAILED.value, claim=None, claimed_until=None,
                last_error="the worker stopped during every attempt")
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def claim_next(session: Session, now: datetime, *, lease: timedelta,
               digest_cutoff: datetime) -> Claim | None:
    """Claim the next due delivery (for a digest: all of that person's due ones), or None."""
    D = NoticeDelivery
    due = _due(now, digest_cutoff)
    candidate = session.execute(
        select(D.id, D.user_id, D.channel).where(due)
        .order_by(D.next_attempt_at, D.id).limit(1)
        .with_for_update(skip_locked=True)).first()
    if candidate is None:
        return None
    token = secrets.token_hex(16)
    target = (D.id == candidate.id) if candidate.channel != Channel.DIGEST.value else and_(
        D.user_id == candidate.user_id, D.channel == Channel.DIGEST.value)
    claimed = session.execute(
        update(D).where(target, due)
        .values(status=Status.SENDING.value, claim=token, claimed_until=now + lease,
                attempts=D.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:  # another worker was quicker
        return None
    rows = tuple(session.scalars(
        select(D).where(D.claim == token).order_by(D.id)
        .execution_options(populate_existing=True)))
    return Claim(token, Channel(candidate.channel), candidate.user_id, rows)


def _settle(session: Session, claim: Claim, **values) -> int:
    D = NoticeDelivery
    result = session.execute(
        update(D).where(D.claim == claim.token, D.status == Status.SENDING.value)
        .values(claim=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False))
    for row in claim.deliveries:
        session.expire(row)
    return result.rowcount or 0


def mark_sent(session: Session, claim: Claim, now: datetime) -> int:
    return _settle(session, claim, status=Status.SENT.value, sent_at=now, last_error=None)


def mark_skipped(session: Session, claim: Claim, reason: str) -> int:
    return _settle(session, claim, status=Status.SKIPPED.value, last_error=reason[:500])


def mark_failed(session: Session, claim: Claim, now: datetime, error: str, *,
                permanent: bool = False) -> bool:
    """Retry later with backoff, or give up; True when given up."""
    attempts = max(row.attempts for row in claim.deliveries)
    after = after_failure(attempts, now, permanent=permanent)
    if after.gives_up:
        _settle(session, claim, status=Status.FAILED.value, last_error=error[:500])
    else:
        _settle(session, claim, status=Status.PENDING.value, next_attempt_at=after.retry_at,
                last_error=error[:500])
    return after.gives_up
