"""writing(): a view's writes are committed once, or undone and explained; nothing half-kept."""

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from app.db import get_session, writing
from votes.base import DomainError
from votes.people import User, register_user

EN = {"Accept-Language": "en"}


class NameForm(FlaskForm):
    username = StringField()


def _usernames(db) -> set[str]:
    return set(db.scalars(select(User.username)))


def _register(session, username: str) -> None:
    register_user(session, username=username, display_name=username, password_hash="x")
    session.flush()


def test_the_block_is_committed_and_success_is_said(app, db):
    with app.test_request_context(method="POST", headers=EN):
        with writing(success="Saved.") as work:
            _register(get_session(), "uow_ok")
        assert work.ok and work.error is None
        assert get_flashed_messages(with_categories=True) == [("success", "Saved.")]
    assert "uow_ok" in _usernames(db)


def test_a_domain_error_undoes_everything_and_is_flashed_in_plain_words(app, db):
    undone = []
    with app.test_request_context(method="POST", headers=EN):
        with writing(success="Saved.", undo=lambda: undone.append(True)) as work:
            _register(get_session(), "uow_refused")
            raise DomainError("officials_only")
        assert not work.ok and work.error.code == "officials_only"
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Only officials can do this.")]
    assert undone == [True]
    assert "uow_refused" not in _usernames(db)


def test_a_domain_error_naming_a_field_is_shown_next_to_it(app):
    with app.test_request_context(method="POST", headers=EN, data={"username": "x"}):
        form = NameForm(meta={"csrf": False})
        with writing(form) as work:
            raise DomainError("username_taken", field="username")
        assert not work.ok
        assert form.username.errors == ["This username is already taken."]
        assert form.username.data == "x"  # what was typed is kept
        assert get_flashed_messages() == []


def test_quiet_leaves_the_error_to_the_view(app):
    with app.test_request_context(method="POST", headers=EN):
        with writing(quiet=True) as work:
            raise DomainError("officials_only")
        assert work.error.code == "officials_only"
        assert get_flashed_messages() == []


def test_any_other_error_undoes_everything_and_propagates(app, db):
    undone = []
    with app.test_request_context(method="POST", headers=EN):
        with pytest.raises(ZeroDivisionError), writing(undo=lambda: undone.append(True)):
            _register(get_session(), "uow_crash")
            1 / 0  # noqa: B018
    assert undone == [True]
    assert "uow_crash" not in _usernames(db)
