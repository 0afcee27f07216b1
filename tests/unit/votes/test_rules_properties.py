"""Property tests of the ballot rules: counts, selection limits, monotone passing, order."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.votes.rules_builders import ORACLE
from votes.rules import (
    ABSTAIN,
    NO,
    YES,
    BallotRules,
    CandidateInput,
    Majority,
    Method,
    Status,
    ThresholdBase,
    tally,
    tally_from_totals,
)

FAST = settings(max_examples=200, deadline=None)


@st.composite
def ballot_rules(draw, methods=(Method.YNA, Method.YN, Method.Y)) -> BallotRules:
    method = draw(st.sampled_from(methods))
    bases = [b for b in ThresholdBase if not (method is Method.Y and b is ThresholdBase.YES_NO)]
    den = draw(st.integers(1, 4))
    return BallotRules(
        method=method, threshold_base=draw(st.sampled_from(bases)),
        majority=draw(st.sampled_from(list(Majority))), seats=draw(st.integers(1, 4)),
        budget_cap=draw(st.none() | st.integers(1, 1000)),
        quorum_num=draw(st.integers(0, den)), quorum_den=den)


@st.composite
def paper_ballots(draw, methods=(Method.YNA, Method.YN, Method.Y)):
    """(rules, candidates, totals, ballots_cast, entitled, present) as an official enters
    them: per candidate yes + no + abstain never exceeds the ballots cast."""
    rules = draw(ballot_rules(methods))
    count = draw(st.integers(1, 6))
    costs = draw(st.lists(st.integers(0, 600), min_size=count, max_size=count))
    candidates = [CandidateInput(f"c{i}", cost) for i, cost in enumerate(costs)]
    entitled = draw(st.integers(0, 30))
    present = draw(st.integers(0, entitled))
    # Now and then more ballots than voters: the count must then be void.
    cast = draw(st.integers(0, entitled) | st.integers(entitled, entitled + 3))
    totals = {}
    for c in candidates:
        yes = draw(st.integers(0, cast))
        if rules.method is Method.Y:
            totals[c.id] = (yes, 0, 0)
            continue
        no = draw(st.integers(0, cast - yes))
        totals[c.id] = (yes, no, draw(st.integers(0, cast - yes - no)))
    return rules, candidates, totals, cast, entitled, present


def counted(ballot):
    rules, candidates, totals, cast, entitled, present = ballot
    return tally_from_totals(rules, candidates, totals, cast, entitled, present)


def assert_within_the_rules(rules, candidates, result) -> None:
    rows = {r.id: r for r in result.rows}
    costs = {c.id: c.cost for c in candidates}
    assert [r.id for r in result.rows] == [c.id for c in candidates]
    for row in result.rows:
        assert row.yes + row.no + row.abstain <= result.ballots_cast
        assert (row.status is Status.FAILED) == (not row.passed)
        if row.passed:
            assert ORACLE[rules.majority](row.yes, row.base)
    assert len(result.adopted) <= rules.seats
    assert len(set(result.adopted)) == len(result.adopted)
    assert all(rows[cid].passed and rows[cid].status is Status.ADOPTED for cid in result.adopted)
    assert result.total_adopted_cost == sum(costs[cid] for cid in result.adopted)
    if rules.budget_cap is not None:
        assert result.total_adopted_cost <= rules.budget_cap
    if not result.valid:
        assert not result.adopted and not any(r.passed for r in result.rows)


@FAST
@given(paper_ballots())
def test_a_paper_count_adopts_within_seats_and_budget_and_only_what_passed(ballot):
    rules, candidates, *_ = ballot
    assert_within_the_rules(rules, candidates, counted(ballot))


@st.composite
def electronic_ballots(draw):
    rules = draw(ballot_rules((Method.YNA, Method.YN)))
    count = draw(st.integers(1, 5))
    candidates = [CandidateInput(f"c{i}", draw(st.integers(0, 600))) for i in range(count)]
    marks = [YES, NO, ABSTAIN, None] if rules.method is Method.YNA else [YES, NO, None]
    ballot = st.fixed_dictionaries({c.id: st.sampled_from(marks) for c in candidates})
    ballots = draw(st.lists(ballot, max_size=20))
    entitled = draw(st.integers(len(ballots), len(ballots) + 10))
    return rules, candidates, ballots, entitled, draw(st.integers(0, entitled))


@FAST
@given(electronic_ballots())
def test_an_electronic_count_never_exceeds_the_ballots_and_matches_its_totals(ballot):
    rules, candidates, ballots, entitled, present = ballot
    result = tally(rules, candidates, ballots, entitled, present)
    assert result.ballots_cast == len(ballots)
    for row in result.rows:  # a blank is an abstention: every ballot counts once
        assert row.yes + row.no + row.abstain == len(ballots)
    assert_within_the_rules(rules, candidates, result)
    totals = {r.id: (r.yes, r.no, r.abstain) for r in result.rows}
    assert tally_from_totals(rules, candidates, totals, len(ballots), entitled,
                             present) == result


# --- passing is monotone in yes votes ----------------------------------------------------------


def with_totals(ballot, cid, totals, cast=None):
    rules, candidates, old, old_cast, entitled, present = ballot
    return rules, candidates, {**old, cid: totals}, old_cast if cast is None else cast, \
        entitled, present


def passing(ballot):
    result = counted(ballot)
    return [r.id for r in result.rows if r.passed]


@FAST
@given(paper_ballots(methods=(Method.YNA, Method.YN)))
def test_moving_a_vote_to_yes_never_makes_a_passing_candidate_fail(ballot):
    _, _, totals, cast, *_ = ballot
    for cid in passing(ballot):
        yes, no, abstain = totals[cid]
        moves = []
        if no:
            moves.append((yes + 1, no - 1, abstain))
        if abstain:
            moves.append((yes + 1, no, abstain - 1))
        if yes + no + abstain < cast:  # a spoilt mark read again as a yes
            moves.append((yes + 1, no, abstain))
        for moved in moves:
            assert cid in passing(with_totals(ballot, cid, moved)), (cid, totals[cid], moved)


@FAST
@given(paper_ballots())
def test_one_more_ballot_with_a_yes_never_makes_a_passing_candidate_fail(ballot):
    _, _, totals, cast, entitled, _ = ballot
    if cast >= entitled:
        return  # one more ballot than voters voids the count: that is not a yes vote
    for cid in passing(ballot):
        yes, no, abstain = totals[cid]
        assert cid in passing(with_totals(ballot, cid, (yes + 1, no, abstain), cast + 1))


# --- the order candidates are given in decides nothing ----------------------------------------


@FAST
@given(paper_ballots(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_candidates(ballot, random):
    rules, candidates, totals, cast, entitled, present = ballot
    shuffled = list(candidates)
    random.shuffle(shuffled)
    first = counted(ballot)
    second = tally_from_totals(rules, shuffled, totals, cast, entitled, present)
    # Rows keep the order given; each candidate's row (status, rank) is the same.
    assert {r.id: r for r in first.rows} == {r.id: r for r in second.rows}
    # Tied candidates adopted together are listed in the order given: compare as sets.
    assert set(first.adopted) == set(second.adopted)
    assert set(first.tie_pending) == set(second.tie_pending)
    assert first.total_adopted_cost == second.total_adopted_cost
    ranks = {r.id: r.rank for r in first.rows}
    assert [ranks[cid] for cid in first.adopted] == sorted(ranks[cid] for cid in first.adopted)


@FAST
@given(paper_ballots())
def test_a_candidate_that_would_pass_on_its_own_votes_passes_whatever_the_others_got(ballot):
    rules, candidates, totals, cast, entitled, present = ballot
    result = counted(ballot)
    for row in result.rows:
        alone = tally_from_totals(rules, [replace(candidates[0], id=row.id)],
                                  {row.id: totals[row.id]}, cast, entitled, present)
        assert alone.rows[0].passed == row.passed
