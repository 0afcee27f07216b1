"""The services' rules: who may do each step, when, the limits, pauses, 督办, and the key."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from proposals.requests import services
from proposals.requests.clock import TZ, end_of, local
from proposals.requests.models import Escalation, RequestEvent, RequestRating, Round
from tests.functional.builders import refused
from tests.functional.requests.samples import MOMENT, raise_one
from votes.places import community_named


def _dispatched(db, desk, unit="housing", **kwargs):
    item = raise_one(db, desk.requester, **kwargs)
    services.dispatch(db, desk.dispatcher, item, desk.units[unit], note="", now=MOMENT)
    return item


def test_numbers_run_per_year_and_the_requester_is_kept(db, desk):
    first, second = raise_one(db, desk.requester), raise_one(db, desk.neighbour)
    assert (first.number, second.number) == ("2026-000001", "2026-000002")
    assert first.requester_id == desk.requester.id and first.channel == "online"


def test_raising_refuses_bad_fields_and_wrong_channels(db, desk):
    draft = services.Draft(title="路灯", description="不亮", category="public_safety",
                           community="和平社区")
    for field, change in (("title", {"title": " "}), ("category", {"category": "weather"}),
                          ("urgency", {"urgency": "panic"}), ("community", {"community": ""})):
        error = refused("invalid_choice" if field in ("category", "urgency") else "required",
                        services.raise_request, db, desk.requester,
                        services.Draft(**{**draft.__dict__, **change}), channel="online",
                        now=MOMENT)
        assert error.params["field"] == field
    refused("too_long", services.raise_request, db, desk.requester,
            services.Draft(**{**draft.__dict__, "title": "长" * 81}), channel="online",
            now=MOMENT)
    # The community is one of the list of places, named or given as its record.
    unknown = refused("unknown_community", services.raise_request, db, desk.requester,
                      services.Draft(**{**draft.__dict__, "community": "月亮社区"}),
                      channel="online", now=MOMENT)
    assert unknown.params == {"field": "community", "community": "月亮社区"}
    home = community_named(db, "和平社区")
    refused("place_not_a_community", services.raise_request, db, desk.requester,
            services.Draft(**{**draft.__dict__, "community": home.parent}), channel="online",
            now=MOMENT)
    refused("channel_not_allowed", services.raise_request, db, desk.requester, draft,
            channel="hotline", now=MOMENT)
    refused("channel_not_allowed", services.raise_request, db, desk.dispatcher, draft,
            channel="grid_worker", now=MOMENT)
    refused("requester_not_resident", services.raise_request, db, desk.dispatcher, draft,
            channel="hotline", now=MOMENT, requester=desk.housing)
    entered = services.raise_request(db, desk.dispatcher, draft, channel="hotline", now=MOMENT)
    assert entered.requester_id is None and entered.entered_by_id == desk.dispatcher.id
    assert (entered.place_id, entered.community) == (home.id, "和平社区")
    assert db.scalars(select(RequestEvent.actor_role)).all() == ["hotline"]


def test_dispatch_takes_the_admins_limit_for_the_category_and_urgency(db, desk):
    services.set_limit(db, desk.admin, category="public_safety", urgency="urgent",
                       sign_hours=1, resolve_days=2, now=MOMENT)
    item = _dispatched(db, desk, urgency="urgent")
    assert (item.sign_hours, item.resolve_days) == (1, 2)
    assert local(item.sign_due_at) == MOMENT + timedelta(hours=1)
    assert local(item.resolve_due_at) == end_of(date(2026, 10, 8))  # Sep 30, then Oct 8
    # A later change moves no clock already running.
    services.set_limit(db, desk.admin, category="public_safety", urgency="urgent",
                       sign_hours=5, resolve_days=9, now=MOMENT)
    db.refresh(item)
    assert item.resolve_days == 2
    assert db.get(Round, (item.id, 0)).resolve_due_at == item.resolve_due_at


def test_only_officials_dispatch_once_and_only_admins_set_limits(db, desk):
    item = raise_one(db, desk.requester)
    refused("officials_only", services.dispatch, db, desk.requester, item,
            desk.units["housing"], note="", now=MOMENT)
    refused("required", services.dispatch, db, desk.dispatcher, item, None, note="", now=MOMENT)
    services.dispatch(db, desk.dispatcher, item, desk.units["housing"], note="", now=MOMENT)
    refused("already_dispatched", services.dispatch, db, desk.dispatcher, item,
            desk.units["street"], note="", now=MOMENT)
    refused("admins_only", services.set_limit, db, desk.dispatcher, category="other",
            urgency="normal", sign_hours=1, resolve_days=1, now=MOMENT)
    refused("bad_limit", services.set_limit, db, desk.admin, category="other",
            urgency="normal", sign_hours=0, resolve_days=1, now=MOMENT)
    refused("bad_limit", services.set_limit, db, desk.admin, category="other",
            urgency="normal", sign_hours=1, resolve_days=61, now=MOMENT)


def test_units_need_an_official_of_their_own(db, desk):
    refused("unit_needs_official", services.add_unit, db, desk.admin, name="区水务局",
            official=desk.requester)
    refused("unit_exists", services.add_unit, db, desk.admin, name="区住建委",
            official=desk.dispatcher)
    refused("official_has_unit", services.add_unit, db, desk.admin, name="区水务局",
            official=desk.housing)
    refused("admins_only", services.add_unit, db, desk.dispatcher, name="区水务局",
            official=desk.dispatcher)


def test_only_the_unit_dispatched_to_acts_and_each_step_in_its_order(db, desk):
    item = _dispatched(db, desk)
    later = MOMENT + timedelta(hours=1)
    for step in (lambda u: services.sign(db, u, item, now=later),
                 lambda u: services.reply(db, u, item, text="好", now=later),
                 lambda u: services.pause(db, u, item, reason="等", now=later)):
        refused("not_your_unit", step, desk.street)
    refused("not_replyable", services.reply, db, desk.housing, item, text="好", now=later)
    refused("not_pausable", services.pause, db, desk.housing, item, reason="等", now=later)
    refused("not_paused", services.resume, db, desk.housing, item, now=later)
    services.sign(db, desk.housing, item, now=later)
    refused("not_awaiting_signature", services.sign, db, desk.housing, item, now=later)
    refused("required", services.reply, db, desk.housing, item, text="  ", now=later)
    refused("not_rateable", services.rate, db, desk.requester, item, rating="satisfied",
            comment="", now=later)


def test_a_pause_stops_the_clock_and_moves_the_deadline_by_the_working_time(db, desk):
    item = _dispatched(db, desk)  # answer by the end of Oct 12
    services.sign(db, desk.housing, item, now=MOMENT + timedelta(hours=1))
    services.pause(db, desk.housing, item, reason="居民国庆外出，节后入户",
                   now=datetime(2026, 9, 30, 12, tzinfo=TZ))
    refused("still_paused", services.reply, db, desk.housing, item, text="好",
            now=datetime(2026, 10, 2, tzinfo=TZ))
    # Waited half of Sep 30 and all of Oct 8: one and a half working days.
    services.resume(db, desk.housing, item, now=datetime(2026, 10, 9, 0, tzinfo=TZ))
    assert local(item.resolve_due_at) == datetime(2026, 10, 14, 12, tzinfo=TZ)
    assert item.status == "signed"
    steps = [(e.event, e.note) for e in item.events]
    assert ("paused", "居民国庆外出，节后入户") in steps and steps[-1][0] == "resumed"


def test_a_missed_limit_puts_the_request_under_supervision_once(db, desk):
    item = _dispatched(db, desk)
    assert services.record_missed_limits(db, MOMENT + timedelta(hours=23)) == 0
    assert services.record_missed_limits(db, MOMENT + timedelta(hours=25)) == 1
    assert services.record_missed_limits(db, MOMENT + timedelta(hours=26)) == 0
    assert item.supervised
    services.sign(db, desk.housing, item, now=MOMENT + timedelta(hours=27))
    assert not item.supervised  # made up for; the escalation stays on the record
    missed = db.scalars(select(Escalation)).one()
    assert missed.ground == "sign_overdue" and missed.resolved_at is not None
    refused("already_overdue", services.pause, db, desk.housing, item, reason="等",
            now=datetime(2026, 10, 13, 9, tzinfo=TZ))
    assert services.record_missed_limits(db, datetime(2026, 10, 13, tzinfo=TZ)) == 1
    services.reply(db, desk.housing, item, text="已修复", now=datetime(2026, 10, 14, tzinfo=TZ))
    assert not item.supervised


def test_a_satisfied_rating_closes_it_and_settles_an_earlier_unsatisfied_one(db, desk):
    item = _dispatched(db, desk)
    services.sign(db, desk.housing, item, now=MOMENT + timedelta(hours=1))
    services.reply(db, desk.housing, item, text="已修复", now=MOMENT + timedelta(hours=2))
    refused("not_your_request", services.rate, db, desk.neighbour, item, rating="satisfied",
            comment="", now=MOMENT)
    refused("invalid_choice", services.rate, db, desk.requester, item, rating="meh",
            comment="", now=MOMENT)
    services.rate(db, desk.requester, item, rating="unsatisfied", comment="又坏了",
                  now=MOMENT + timedelta(hours=3))
    assert (item.status, item.round, item.supervised) == ("reopened", 1, True)
    refused("not_rateable", services.rate, db, desk.requester, item, rating="satisfied",
            comment="", now=MOMENT)
    services.reply(db, desk.housing, item, text="换了新灯杆", now=MOMENT + timedelta(hours=5))
    services.rate(db, desk.requester, item, rating="basically_satisfied", comment="",
                  now=MOMENT + timedelta(hours=6))
    assert (item.status, item.supervised) == ("closed", False)
    assert [r.round for r in db.scalars(select(RequestRating))] == [0, 1]
    refused("already_rated", services.rate, db, desk.requester, item, rating="satisfied",
            comment="", now=MOMENT)


def test_the_database_key_allows_one_rating_per_reply(db, desk):
    item = _dispatched(db, desk)
    db.commit()
    for _ in range(2):
        db.add(RequestRating(request_id=item.id, round=0, unit_id=item.unit_id,
                             rating="satisfied", rated_by_id=desk.requester.id))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_a_deadline_into_an_unknown_year_refuses_the_dispatch_and_leaves_it_received(db, desk):
    item = raise_one(db, desk.requester, now=datetime(2026, 12, 28, 9, tzinfo=TZ))
    error = refused("calendar_unknown", services.dispatch, db, desk.dispatcher, item,
                    desk.units["housing"], note="", now=datetime(2026, 12, 28, 9, tzinfo=TZ))
    assert error.params["year"] == 2027
    assert item.status == "raised" and item.unit_id is None


def test_the_sweep_skips_a_pause_that_runs_into_an_unknown_year(db, desk):
    december = datetime(2026, 12, 21, 9, tzinfo=TZ)
    item = raise_one(db, desk.requester, now=december)
    services.dispatch(db, desk.dispatcher, item, desk.units["housing"], note="", now=december)
    services.sign(db, desk.housing, item, now=december)
    services.pause(db, desk.housing, item, reason="等居民回来",
                   now=datetime(2026, 12, 22, 9, tzinfo=TZ))
    assert services.record_missed_limits(db, datetime(2026, 12, 31, 23, tzinfo=TZ)) == 0
    refused("calendar_unknown", services.resume, db, desk.housing, item,
            now=datetime(2026, 12, 31, 23, tzinfo=TZ))
