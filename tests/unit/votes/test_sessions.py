"""Reset codes derived from a nonce under a key, and when a session's last sight is written."""

from datetime import UTC, datetime, timedelta

from votes.sessions import SEEN_EVERY, AccountSession, PasswordReset, needs_touch, reset_code

KEY, OTHER_KEY = b"k" * 32, b"o" * 32


def test_an_sms_code_is_six_digits_and_the_same_each_time_it_is_derived():
    reset = PasswordReset(channel="sms", nonce="ab" * 32)
    code = reset_code(reset, KEY)
    assert len(code) == 6 and code.isdigit()
    assert reset_code(reset, KEY) == code
    assert reset_code(PasswordReset(channel="sms", nonce="cd" * 32), KEY) != code


def test_an_email_token_is_long_url_safe_and_needs_the_key():
    reset = PasswordReset(channel="email", nonce="ab" * 32)
    token = reset_code(reset, KEY)
    assert len(token) == 43 and all(c.isalnum() or c in "-_" for c in token)
    assert reset_code(reset, OTHER_KEY) != token


def test_last_seen_is_written_only_once_its_time_is_old_enough():
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    row = AccountSession(last_seen_at=now - SEEN_EVERY + timedelta(seconds=1))
    assert not needs_touch(row, now)
    row.last_seen_at = (now - SEEN_EVERY).replace(tzinfo=None)  # as SQLite hands it back
    assert needs_touch(row, now)
