"""Ties that finish the count: once a tie is settled, selection goes on down the ranking.

Counts are entered as paper totals so the yes votes are exact. The threshold base is the
candidate's own yes + no, so every candidate with a yes vote and no "no" passes.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.functional.builders import VOTING_DAY, new_ballot, option_ids, refused, tellers_for
from votes import ledger
from votes.ballots import Ballot, BallotResolution
from votes.casting import open_ballot
from votes.closing import (
    adopted_option_ids,
    enter_paper_totals,
    publish_ballot,
    record_runoff_outcome,
    record_runoff_upwards,
    resolve_tie,
    start_runoff,
    tie_state,
)
from votes.rules import BallotRules, continue_selection, settle_ties

PASSING = {"threshold_base": "yes_no"}


def counted(db, official, assembly, *, seats, budget, costs, yes):
    """A closed cycle ballot whose candidates got `yes` votes (and no "no") out of 5."""
    ballot = new_ballot(db, official, assembly, options=len(costs), costs=costs,
                        rules=BallotRules(seats=seats, budget_cap=budget, **PASSING))
    ids = option_ids(ballot)
    enter_paper_totals(db, official, ballot, {i: (y, 0, 5 - y) for i, y in zip(ids, yes,
                                                                              strict=True)},
                       ballots_cast=5, present=5)
    db.commit()
    return ballot, ids


def run_off(db, official, runoff, yes):
    """Open the run-off, count it on paper with `yes` per option, and publish it."""
    open_ballot(db, official, runoff, on=VOTING_DAY, tellers=tellers_for(db, runoff))
    db.commit()
    enter_paper_totals(db, official, runoff,
                       {o.id: (y, 0, 5 - y) for o, y in zip(runoff.options, yes, strict=True)},
                       ballots_cast=5, present=5)
    publish_ballot(db, official, runoff)
    db.commit()


def last(db, ballot, kind):
    return [e for e in ledger.entries(db, ballot.id) if e["kind"] == kind][-1]["payload"]


# --- run-offs -------------------------------------------------------------------------------


def test_a_budget_tie_with_more_seats_than_tied_options_gets_a_run_off_for_those_options(
        db, official, assembly, delegates):
    # 4 seats, 100 yuan: a (50) adopted; b and c (40 each) fit alone, not together.
    ballot, (a, b, c, d) = counted(db, official, assembly, seats=4, budget=100,
                                   costs=[50, 40, 40, 10], yes=[5, 4, 4, 3])
    state = tie_state(db, ballot)
    assert (state.adopted, state.tie_pending, state.seats_left, state.budget_left) == (
        [a], [b, c], 3, 50)
    runoff = start_runoff(db, official, ballot)  # used to fail: 3 seats for 2 options
    db.commit()
    assert (runoff.rules.seats, runoff.rules.budget_cap) == (2, 50)
    assert [o.ref_id for o in runoff.options] == [101, 102]
    started = last(db, ballot, "runoff_started")
    assert (started["seats"], started["budget_cap"], started["step"]) == (2, 50, 1)
    refused("already_resolved", resolve_tie, db, official, ballot, [b], "抽签")
    refused("runoff_unsettled", record_runoff_outcome, db, official, ballot)
    assert adopted_option_ids(db, ballot) == [a]  # d waits for the run-off

    run_off(db, official, runoff, yes=[4, 2])  # b wins; c no longer fits the 10 left
    # Published: the parent's adoption goes on below the tie at once, d (10) fits.
    assert adopted_option_ids(db, ballot) == [a, b, d]
    assert tie_state(db, ballot).unrecorded is not None
    assert record_runoff_upwards(db, official, runoff) == [ballot]
    db.commit()
    settled = last(db, ballot, "tie_resolved")
    assert settled == {"step": 1, "adopted": [b], "continued": [d], "seats_left": 1,
                       "budget_left": 0, "tie_pending": [], "runoff_ballot_id": runoff.id,
                       "reason": settled["reason"], "actor_id": official.id}
    link = db.scalar(select(BallotResolution).where(BallotResolution.ballot_id == ballot.id))
    assert json.loads(link.adopted_json) == [b] and link.settled_at is not None
    assert adopted_option_ids(db, ballot) == [a, b, d]
    refused("no_tie", record_runoff_outcome, db, official, ballot)
    refused("no_tie", start_runoff, db, official, ballot)
    assert ledger.verify_chain(ledger.entries(db, ballot.id)) == []


def test_the_next_settlement_records_a_published_run_off_first(db, official, assembly,
                                                               delegates):
    ballot, (a, b, c, d, e) = counted(db, official, assembly, seats=4, budget=100,
                                      costs=[40, 40, 40, 15, 15], yes=[5, 4, 4, 3, 3])
    runoff = start_runoff(db, official, ballot)
    db.commit()
    run_off(db, official, runoff, yes=[1, 3])  # c wins; 2 seats and 20 yuan left: d, e tie
    assert tie_state(db, ballot).tie_pending == [d, e]
    resolve_tie(db, official, ballot, [e], "依主任会议决定")
    db.commit()
    kinds = [x["kind"] for x in ledger.entries(db, ballot.id)]
    assert kinds[-3:] == ["runoff_started", "tie_resolved", "tie_resolved"]
    first, second = [x["payload"] for x in ledger.entries(db, ballot.id)
                     if x["kind"] == "tie_resolved"]
    assert (first["step"], first["adopted"], first["tie_pending"]) == (1, [c], [d, e])
    assert (second["step"], second["adopted"], second["continued"]) == (2, [e], [])
    assert adopted_option_ids(db, ballot) == [a, c, e]


# --- lawful resolutions ---------------------------------------------------------------------


def test_a_lawful_resolution_lets_selection_go_on_with_the_seat_and_budget_left(
        db, official, assembly, delegates):
    # The audit's case: 3 seats, 100 yuan; before, d (10) was never offered the last seat.
    ballot, (a, b, c, d) = counted(db, official, assembly, seats=3, budget=100,
                                   costs=[50, 40, 40, 10], yes=[5, 4, 4, 3])
    refused("over_budget", resolve_tie, db, official, ballot, [b, c], "都要")
    resolution = resolve_tie(db, official, ballot, [c], "依主任会议决定，按先提出者确定")
    db.commit()
    assert (resolution.step, resolution.kind) == (1, "lawful")
    assert adopted_option_ids(db, ballot) == [a, c, d]
    logged = last(db, ballot, "tie_resolved")
    assert logged == {"step": 1, "adopted": [c], "reason": "依主任会议决定，按先提出者确定",
                      "actor_id": official.id, "continued": [d], "seats_left": 0,
                      "budget_left": 0, "tie_pending": []}
    refused("no_tie", resolve_tie, db, official, ballot, [b], "再来")


def test_a_further_tie_after_continuation_is_pending_and_settled_the_same_way(
        db, official, assembly, delegates):
    ballot, ids = counted(db, official, assembly, seats=4, budget=100,
                          costs=[40, 40, 40, 15, 15, 5, 5], yes=[5, 4, 4, 3, 3, 2, 1])
    a, b, c, d, e, f, g = ids
    resolve_tie(db, official, ballot, [b], "依议事规则抽签")
    db.commit()
    state = tie_state(db, ballot)
    # b settled: 2 seats and 20 yuan left; d and e (15 each) fit alone, not together.
    assert (state.adopted, state.tie_pending, state.seats_left, state.budget_left) == (
        [a, b], [d, e], 2, 20)
    assert last(db, ballot, "tie_resolved")["tie_pending"] == [d, e]

    runoff = start_runoff(db, official, ballot)  # the second tie: a run-off of its own
    db.commit()
    assert [o.ref_id for o in runoff.options] == [103, 104]
    assert (runoff.rules.seats, runoff.rules.budget_cap) == (2, 20)
    assert last(db, ballot, "runoff_started")["step"] == 2
    run_off(db, official, runoff, yes=[2, 4])  # e wins, d no longer fits the 5 left
    assert record_runoff_upwards(db, official, runoff) == [ballot]
    db.commit()
    second = last(db, ballot, "tie_resolved")
    assert (second["step"], second["adopted"], second["continued"]) == (2, [e], [f])
    assert (second["seats_left"], second["budget_left"], second["tie_pending"]) == (0, 0, [])
    assert adopted_option_ids(db, ballot) == [a, b, e, f]
    steps = db.scalars(select(BallotResolution.step).where(
        BallotResolution.ballot_id == ballot.id).order_by(BallotResolution.step)).all()
    assert steps == [1, 2]
    assert g not in adopted_option_ids(db, ballot)


def test_what_the_ledger_says_recomputes_with_the_pure_rules(db, official, assembly,
                                                            delegates):
    """A verifier replays the published rows with the ledger's settlements, in order."""
    from votes.closing import _count_rows, ballot_result

    ballot, ids = counted(db, official, assembly, seats=4, budget=100,
                          costs=[40, 40, 40, 15, 15, 5, 5], yes=[5, 4, 4, 3, 3, 2, 1])
    a, b, c, d, e, f, _ = ids
    resolve_tie(db, official, ballot, [c], "抽签")
    resolve_tie(db, official, ballot, [d], "抽签")
    db.commit()
    rows = _count_rows(ballot_result(db, ballot))
    settlements = [x["payload"]["adopted"] for x in ledger.entries(db, ballot.id)
                   if x["kind"] == "tie_resolved"]
    replay = settle_ties(ballot.rules, rows, settlements)
    assert list(replay.adopted) == adopted_option_ids(db, ballot) == [a, c, d, f]
    assert continue_selection(ballot.rules, rows, [a, c, d], [b, c, d, e]).adopted == (f,)


# --- the desk and the public page -----------------------------------------------------------


def test_the_desk_shows_what_continuation_adopted_and_offers_the_new_tie(
        client, db, login, official, assembly, delegates):
    ballot, ids = counted(db, official, assembly, seats=4, budget=100,
                          costs=[40, 40, 40, 15, 15, 5, 5], yes=[5, 4, 4, 3, 3, 2, 1])
    titles = {o.id: o.title for o in ballot.options}
    login(official)
    client.get("/lang/en")
    typed = {"reason": "依议事规则抽签", "adopt": [str(ids[1])]}
    asked = client.get(f"/official/ballots/{ballot.id}/resolve", query_string=typed).text
    assert "Record this resolution of the tie?" in asked and "依议事规则抽签" in asked
    assert titles[ids[1]] in asked.split('id="to-adopt"', 1)[1].split("</strong>", 1)[0]
    unticked = client.post(f"/official/ballots/{ballot.id}/resolve", data=typed)
    assert unticked.status_code == 302 and "/resolve?" in unticked.headers["Location"]
    assert db.scalars(select(BallotResolution)).all() == []
    answer = client.post(f"/official/ballots/{ballot.id}/resolve", data={**typed, "confirm": "y"})
    assert answer.status_code == 302
    db.expire_all()
    assert [r.step for r in db.scalars(select(BallotResolution))] == [1]
    desk = client.get(f"/official/ballots/{ballot.id}").text
    assert "Ties settled, and selection after them" in desk and "依议事规则抽签" in desk
    assert "A further tie at the new cut-off" in desk and 'id="pending-tie"' in desk
    assert f'name="adopt" value="{ids[3]}"' in desk and f'name="adopt" value="{ids[1]}"' not in desk
    assert "Draft a run-off ballot" in desk and "Places left" in desk

    assert "Draft a run-off ballot for the tie?" in client.get(
        f"/official/ballots/{ballot.id}/runoff").text
    runoff = client.post(f"/official/ballots/{ballot.id}/runoff", data={"confirm": "y"})
    runoff_id = int(runoff.headers["Location"].rsplit("/", 1)[1])
    desk = client.get(f"/official/ballots/{ballot.id}").text
    assert "A run-off is under way for the tie" in desk and 'id="pending-tie"' not in desk

    # The run-off is voted and counted, then published from the desk: the tie it settles is
    # recorded in this ballot, and selection goes on (f fits the last seat and 5 yuan).
    db.expire_all()
    second = db.get(Ballot, runoff_id)
    open_ballot(db, official, second, on=VOTING_DAY, tellers=tellers_for(db, second))
    db.commit()
    enter_paper_totals(db, official, second, {o.id: (y, 0, 5 - y) for o, y in
                                              zip(second.options, [4, 2], strict=True)},
                       ballots_cast=5, present=5)
    db.commit()
    client.post(f"/official/ballots/{runoff_id}/publish", data={"confirm": "y"})
    db.expire_all()
    assert last(db, ballot, "tie_resolved")["runoff_ballot_id"] == runoff_id
    assert adopted_option_ids(db, ballot) == [ids[0], ids[1], ids[3], ids[5]]
    desk = client.get(f"/official/ballots/{ballot.id}").text
    assert 'id="pending-tie"' not in desk and "Record the run-off’s outcome" not in desk
    adopted_line = desk.split('id="adopted-in-all"', 1)[1].split("</p>", 1)[0]
    assert all(titles[i] in adopted_line for i in (ids[0], ids[1], ids[3], ids[5]))


def test_the_desk_offers_to_record_a_run_off_published_elsewhere(
        client, db, login, official, assembly, delegates):
    ballot, (a, b, c, d) = counted(db, official, assembly, seats=4, budget=100,
                                   costs=[50, 40, 40, 10], yes=[5, 4, 4, 3])
    runoff = start_runoff(db, official, ballot)
    db.commit()
    run_off(db, official, runoff, yes=[4, 2])  # published by the services, not the desk
    login(official)
    client.get("/lang/en")
    desk = client.get(f"/official/ballots/{ballot.id}").text
    assert "Record the run-off’s outcome" in desk and "Settled by the run-off" in desk
    client.post(f"/official/ballots/{ballot.id}/runoff-outcome")
    db.expire_all()
    assert last(db, ballot, "tie_resolved")["continued"] == [d]
    assert "Record the run-off’s outcome" not in client.get(
        f"/official/ballots/{ballot.id}").text


def test_the_public_result_page_explains_the_budget_rule_in_both_languages(
        client, db, official, assembly, delegates):
    ballot, _ = counted(db, official, assembly, seats=3, budget=100,
                        costs=[50, 40, 40, 10], yes=[5, 4, 4, 3])
    client.get("/lang/en")
    page = client.get(f"/ballots/{ballot.id}").text
    assert "a candidate that no longer fits is skipped, and the next one down the list" in page
    assert "selection goes on down the list with the places and budget still left" in page
    client.get("/lang/zh_Hans")
    page = client.get(f"/ballots/{ballot.id}").text
    assert "剩余预算已放不下的候选项目跳过，依次考虑排在其后的项目" in page


def test_the_public_page_shows_how_the_tie_was_settled_and_no_longer_calls_it_pending(
        client, db, official, assembly, delegates):
    ballot, (a, b, c, d) = counted(db, official, assembly, seats=3, budget=100,
                                   costs=[50, 40, 40, 10], yes=[5, 4, 4, 3])
    titles = {o.id: o.title for o in ballot.options}
    client.get("/lang/zh_Hans")
    before = client.get(f"/ballots/{ballot.id}").text
    assert "临界处得票相同" in before
    resolve_tie(db, official, ballot, [c], "依主任会议决定，按先提出者确定")
    db.commit()
    page = client.get(f"/ballots/{ballot.id}").text
    assert "依主任会议决定，按先提出者确定" in page
    assert "临界处得票相同" not in page  # no pending notice
    settled = page.split('class="settlements"')[1].split("</section>")[0]
    assert titles[c] in settled and titles[d] in settled and titles[b] not in settled
