"""Configuration comes from the environment and fails fast where production needs a value."""

import pytest

from app.config import ConfigError, load_config


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config({"YISHI_ENV": "production"}, instance=tmp_path)


def test_production_refuses_a_short_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="32"):
        load_config({"YISHI_ENV": "production", "SECRET_KEY": "short"}, instance=tmp_path)


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="YISHI_ENV"):
        load_config({"YISHI_ENV": "staging"}, instance=tmp_path)


def test_development_generates_a_key_once_and_keeps_it(tmp_path):
    first = load_config({}, instance=tmp_path)["SECRET_KEY"]
    second = load_config({}, instance=tmp_path)["SECRET_KEY"]
    assert first == second
    assert len(first) >= 64
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_two_instances_get_different_keys(tmp_path):
    a = load_config({}, instance=tmp_path / "a")["SECRET_KEY"]
    b = load_config({}, instance=tmp_path / "b")["SECRET_KEY"]
    assert a != b


def test_defaults_to_sqlite_in_the_instance_folder(tmp_path):
    config = load_config({}, instance=tmp_path)
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'yishi.db'}"
    assert config["REDIS_URL"] is None
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_cookies_are_secure_and_environment_values_are_used(tmp_path):
    config = load_config(
        {"YISHI_ENV": "production", "SECRET_KEY": "x" * 40,
         "DATABASE_URL": "postgresql+psycopg://db/yishi", "REDIS_URL": "redis://r:6379/0"},
        instance=tmp_path,
    )
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["DATABASE_URL"] == "postgresql+psycopg://db/yishi"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://r:6379/0"
    assert not (tmp_path / "secret_key").exists()


def test_development_cookies_work_over_plain_http(tmp_path):
    assert load_config({}, instance=tmp_path)["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("value", ["one", "-1", "6"])
def test_a_proxy_count_that_is_not_a_small_whole_number_is_refused(tmp_path, value):
    with pytest.raises(ConfigError, match="YISHI_TRUSTED_PROXIES"):
        load_config({"YISHI_TRUSTED_PROXIES": value}, instance=tmp_path)


def test_no_proxy_is_trusted_unless_configured(tmp_path):
    assert load_config({}, instance=tmp_path)["TRUSTED_PROXIES"] == 0
    assert load_config({"YISHI_TRUSTED_PROXIES": "1"}, instance=tmp_path)["TRUSTED_PROXIES"] == 1
