"""The notices' settings as the environment gives them, and what is refused."""

import pytest

from app.config import ConfigError, load_config


def config(tmp_path, **env):
    return load_config({"YISHI_ENV": "testing", "SECRET_KEY": "k" * 40, **env}, tmp_path)


def test_without_settings_notices_go_to_the_console_on_the_local_site(tmp_path):
    got = config(tmp_path)
    assert got["SMTP_URL"] is None and got["SMS_URL"] is None
    assert got["BASE_URL"] == "http://127.0.0.1:5000"
    assert got["MAIL_FROM"] == "noreply@127.0.0.1"
    assert (got["NOTICES_POLL_SECONDS"], got["NOTICES_CLAIM_SECONDS"]) == (5, 300)
    assert got["NOTICES_DIGEST_HOUR"] == 8 and got["NOTICES_QUEUE"] == "yishi-notices"


def test_the_settings_a_deployment_gives(tmp_path):
    got = config(tmp_path, YISHI_BASE_URL="https://yishi.example.org/", SMTP_URL="smtp://mx:587",
                 SMTP_STARTTLS="1", SMTP_USER="u", SMTP_PASSWORD="p",
                 SMS_URL="https://sms.example.org/v1/messages", SMS_TOKEN="t",
                 NOTICES_DIGEST_HOUR="0")
    assert got["BASE_URL"] == "https://yishi.example.org"
    assert got["MAIL_FROM"] == "noreply@yishi.example.org"
    assert got["SMTP_STARTTLS"] is True and got["SMTP_USER"] == "u"
    assert got["NOTICES_DIGEST_HOUR"] == 0


@pytest.mark.parametrize(("name", "value"), [
    ("SMTP_URL", "mx.example.org:25"), ("SMTP_URL", "http://mx"), ("SMS_URL", "ftp://sms"),
    ("YISHI_BASE_URL", "yishi.example.org"), ("NOTICES_DIGEST_HOUR", "24"),
    ("NOTICES_POLL_SECONDS", "0"), ("NOTICES_CLAIM_SECONDS", "soon"),
])
def test_a_malformed_setting_stops_the_start(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        config(tmp_path, **{name: value})
