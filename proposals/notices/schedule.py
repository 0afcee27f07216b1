"""When a delivery is tried again, when it is given up, and when the day's digest goes out.

Plain values in and out: the worker passes the clock, the digest hour and the time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The waits after the 1st, 2nd, ... failed attempt: quick at first (a server restarting,
# a greylisting 4xx), then spread over a day. After the last one the delivery is given up.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


@dataclass(frozen=True)
class AfterFailure:
    """What becomes of a delivery whose attempt failed: tried again at `retry_at`, or not."""

    retry_at: datetime | None

    @property
    def gives_up(self) -> bool:
        return self.retry_at is None


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every moment here is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def after_failure(attempts: int, now: datetime, *, permanent: bool = False) -> AfterFailure:
    """`attempts` counts the one that just failed (1 for the first)."""
    if attempts < 1:
        raise ValueError("a failure follows at least one attempt")
    if permanent or attempts >= MAX_ATTEMPTS:
        return AfterFailure(None)
    return AfterFailure(as_utc(now) + RETRY_DELAYS[attempts - 1])


def digest_cutoff(now: datetime, hour: int, zone: str) -> datetime:
    """The latest digest moment (`hour`:00 in `zone`) at or before `now`, in UTC.

    A digest sends the notices written before it; one written after waits for the next day's.
    """
    if not 0 <= hour <= 23:
        raise ValueError("the digest hour is 0 to 23")
    tz = ZoneInfo(zone)
    local = as_utc(now).astimezone(tz)
    moment = datetime.combine(local.date(), time(hour), tzinfo=tz)
    if moment > local:
        moment = datetime.combine(local.date() - timedelta(days=1), time(hour), tzinfo=tz)
    return moment.astimezone(UTC)
