"""The retry schedule and the digest hour: plain values in, plain values out."""

from datetime import UTC, datetime, timedelta

import pytest

from proposals.notices.schedule import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    after_failure,
    as_utc,
    digest_cutoff,
)

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def test_each_failure_waits_longer_than_the_one_before():
    waits = [after_failure(n, NOW).retry_at - NOW for n in range(1, MAX_ATTEMPTS)]
    assert waits == list(RETRY_DELAYS)
    assert waits == sorted(waits) and len(set(waits)) == len(waits)
    assert waits[0] == timedelta(minutes=1) and sum(waits, timedelta()) < timedelta(days=2)


def test_the_last_attempt_gives_up():
    assert after_failure(MAX_ATTEMPTS - 1, NOW).retry_at is not None
    assert after_failure(MAX_ATTEMPTS, NOW).gives_up
    assert after_failure(MAX_ATTEMPTS + 3, NOW).gives_up


def test_a_permanent_failure_gives_up_at_once():
    assert after_failure(1, NOW, permanent=True).gives_up


def test_a_failure_follows_an_attempt():
    with pytest.raises(ValueError):
        after_failure(0, NOW)


def test_naive_moments_from_sqlite_are_read_as_utc():
    naive = datetime(2027, 3, 1, 12, 0)
    assert as_utc(naive) == NOW
    assert after_failure(1, naive).retry_at == NOW + RETRY_DELAYS[0]


@pytest.mark.parametrize(("now", "cutoff"), [
    # 08:00 in Shanghai is 00:00 UTC.
    (datetime(2027, 3, 1, 0, 0, tzinfo=UTC), datetime(2027, 3, 1, 0, 0, tzinfo=UTC)),
    (datetime(2027, 3, 1, 12, 0, tzinfo=UTC), datetime(2027, 3, 1, 0, 0, tzinfo=UTC)),
    (datetime(2027, 2, 28, 23, 59, tzinfo=UTC), datetime(2027, 2, 28, 0, 0, tzinfo=UTC)),
    (datetime(2027, 3, 1, 23, 59, 59, tzinfo=UTC), datetime(2027, 3, 1, 0, 0, tzinfo=UTC)),
])
def test_the_digest_takes_what_came_before_the_latest_digest_hour(now, cutoff):
    assert digest_cutoff(now, 8, "Asia/Shanghai") == cutoff


def test_the_digest_hour_follows_the_zone_s_own_clock():
    # New York moves its clocks on 2027-03-14: 07:00 local is 12:00 UTC before, 11:00 after.
    assert digest_cutoff(datetime(2027, 3, 13, 15, tzinfo=UTC), 7, "America/New_York") \
        == datetime(2027, 3, 13, 12, tzinfo=UTC)
    assert digest_cutoff(datetime(2027, 3, 14, 15, tzinfo=UTC), 7, "America/New_York") \
        == datetime(2027, 3, 14, 11, tzinfo=UTC)


def test_a_digest_hour_is_an_hour_of_the_day():
    with pytest.raises(ValueError):
        digest_cutoff(NOW, 24, "Asia/Shanghai")
