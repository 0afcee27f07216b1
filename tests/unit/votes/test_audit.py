"""Audit entries: written once and never rewritten; kept short; selected by actor and time."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from votes.audit import AuditEntry, Request, entries, record
from votes.base import DomainError
from votes.people import Role


def request_for(**changes) -> Request:
    values = {"action": "officials.hide", "method": "POST", "path": "/official/moderation/hide",
              "object_ids": {"proposal_id": 7}, "fields": ["reason", "target_id", "reason"],
              "remote_addr": "192.0.2.1", "user_agent": "Browser/1.0"}
    return Request(**{**values, **changes})


@pytest.fixture
def entry(db, make_user) -> AuditEntry:
    official = make_user(Role.OFFICIAL)
    written = record(db, official, ["official"], request_for())
    db.commit()
    return written


def test_an_entry_keeps_plain_values_sorted_and_cut(db, make_user):
    official = make_user(Role.OFFICIAL, Role.ADMIN)
    written = record(db, official, ["official", "admin"], request_for(
        path="/x" * 300, user_agent="A" * 500, remote_addr=""), outcome="already_hidden")
    assert written.actor_roles == "admin,official"
    assert written.field_names == ["reason", "target_id"]  # each name once
    assert written.object_values == {"proposal_id": 7}
    assert len(written.path) == 400 and len(written.user_agent) == 200
    assert written.remote_addr is None and written.outcome == "already_hidden"
    assert written.at is not None


def test_the_orm_refuses_to_change_an_entry(db, entry):
    entry.outcome = "done, said nobody"
    with pytest.raises(DomainError) as caught:
        db.flush()
    assert caught.value.code == "audit_append_only"
    db.rollback()
    assert db.scalar(select(AuditEntry.outcome).where(AuditEntry.id == entry.id)) == "done"


def test_the_orm_refuses_to_remove_an_entry(db, entry):
    db.delete(entry)
    with pytest.raises(DomainError) as caught:
        db.flush()
    assert caught.value.code == "audit_append_only"
    db.rollback()
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_entries_are_newest_first_and_filtered_by_actor_and_time(db, make_user):
    one, two = make_user(Role.OFFICIAL), make_user(Role.ADMIN)
    for actor, hour in ((one, 1), (two, 2), (one, 3)):
        db.add(AuditEntry(at=datetime(2027, 3, 1, hour, tzinfo=UTC), actor_id=actor.id,
                          actor_roles="official", action=f"at.{hour}", method="POST",
                          path="/", outcome="done"))
    db.commit()

    def actions(**filters):
        return [e.action for e in db.scalars(entries(**filters))]

    assert actions() == ["at.3", "at.2", "at.1"]
    assert actions(actor=f" {one.username.upper()} ") == ["at.3", "at.1"]
    assert actions(since=datetime(2027, 3, 1, 2, tzinfo=UTC),
                   until=datetime(2027, 3, 1, 3, tzinfo=UTC)) == ["at.2"]
    assert actions(actor="nobody") == []


def test_no_code_rewrites_entries_with_plain_sql():
    # The listeners guard the ORM; a bulk UPDATE or DELETE would bypass them, so none may
    # name the table anywhere in the application's code.
    root = Path(__file__).resolve().parents[3]
    offenders = [
        str(path.relative_to(root)) for package in ("app", "proposals", "votes")
        for path in (root / package).rglob("*.py")
        if re.search(r"(update|delete)\(\s*AuditEntry|(UPDATE|DELETE FROM)\s+audit_log",
                     path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
