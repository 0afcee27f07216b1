"""Evaluation: opening rounds, one rating per person, changes, closing, rectification, round 2."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from proposals.collection.models import Notification
from proposals.cycles.services import advance_cycle
from proposals.evaluation import rating
from proposals.evaluation import rounds as evaluation
from proposals.evaluation.models import EvaluationLog, EvaluationRound, Rating
from proposals.evaluation.satisfaction import Counts, RaterKind
from proposals.implementation import services as implementation
from tests.functional.builders import CLOSE_DAY, DAY, live_in, rate_all
from votes.base import DomainError
from votes.people import Role, add_member

S, B, D = "satisfied", "basically_satisfied", "dissatisfied"


def counts_of(db, project, round_no=1):
    return evaluation.counts(db, project.id, round_no)


def test_completing_a_project_under_evaluation_opens_rating_and_tells_its_people(
        db, completed, adopted, resident):
    first = evaluation.latest_round(db, completed.id)
    assert first.is_open and first.opened_by_id is None
    told = set(db.scalars(select(Notification.user_id).where(
        Notification.kind == "evaluation_opened")))
    assert {resident.id, adopted.fan.id} <= told
    assert [e.action for e in evaluation.log_of(db, completed.id)] == ["opened"]
    assert counts_of(db, completed) == {RaterKind.DELEGATE: Counts(), RaterKind.RESIDENT: Counts()}


def test_a_cycle_moving_into_evaluation_opens_rating_of_its_completed_projects(
        db, cycle, admin, project, unit_official):
    day = date(2027, 8, 20)
    for milestone in list(project.milestones):
        implementation.report_progress(db, unit_official, project, reported_on=day,
                                       body="完成", milestone_id=milestone.id, today=day)
    db.commit()
    assert project.completed_on == day and evaluation.latest_round(db, project.id) is None
    advance_cycle(db, cycle, admin, "evaluation")
    db.commit()
    assert evaluation.latest_round(db, project.id).round_no == 1


def test_one_rating_per_person_per_round_enforced_by_the_database(db, completed, residents):
    (person,) = residents(1)
    rating.rate(db, person, completed, "satisfied", today=DAY)
    rating.rate(db, person, completed, "satisfied", today=DAY)
    db.commit()
    assert db.scalar(select(func.count(Rating.id))) == 1
    assert counts_of(db, completed)[RaterKind.RESIDENT] == Counts(1, 0, 0)
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(Rating(project_id=completed.id, round_no=1, user_id=person.id,
                      rater_kind="resident", level="dissatisfied"))


def test_changing_a_rating_moves_one_count_from_the_old_level_to_the_new(
        db, completed, residents):
    people = residents(3)
    rate_all(db, completed, people, [S, B, D])
    rating.rate(db, people[0], completed, "dissatisfied", "电梯经常停运", today=DAY)
    db.commit()
    assert counts_of(db, completed)[RaterKind.RESIDENT] == Counts(0, 1, 2)
    mine = rating.my_rating(db, people[0].id, completed.id, 1)
    assert (mine.level, mine.comment) == ("dissatisfied", "电梯经常停运")
    assert db.scalar(select(func.count(Rating.id))) == 3


def test_who_rates_in_which_capacity(db, completed, residents, delegate_seat, unit_official,
                                     official, other_official, make_user):
    delegate_seat.grant(Role.RESIDENT)  # a delegate of the assembly who is also a resident
    db.commit()
    rating.rate(db, delegate_seat, completed, "basically_satisfied", today=DAY)
    (person,) = residents(1)
    rating.rate(db, person, completed, "satisfied", today=DAY)
    db.commit()
    found = counts_of(db, completed)
    assert found[RaterKind.DELEGATE] == Counts(0, 1, 0)
    assert found[RaterKind.RESIDENT] == Counts(1, 0, 0)
    outsider = make_user(Role.DELEGATE)  # seated nowhere, not a resident
    for who, code in ((unit_official, "own_project_rating"), (other_official, "not_a_rater"),
                      (outsider, "not_a_rater")):
        with pytest.raises(DomainError) as refused:
            rating.rate(db, who, completed, "satisfied", today=DAY)
        assert refused.value.code == code
    with pytest.raises(DomainError, match="invalid_choice"):
        rating.rate(db, person, completed, "excellent", today=DAY)


def test_below_the_bar_the_project_is_rectified_and_rated_again(
        db, completed, residents, delegate_seat, official, unit_official, other_official):
    people = residents(5)
    rate_all(db, completed, people, [S, S, B, D, D])  # residents 60%
    rating.rate(db, delegate_seat, completed, "satisfied", today=DAY)  # delegates 100%
    db.commit()
    result = evaluation.close_round(db, official, completed, today=CLOSE_DAY)
    db.commit()
    assert result.below == (RaterKind.RESIDENT,) and completed.rectifying
    first = evaluation.latest_round(db, completed.id)
    assert (first.bar, first.below_bar) == (80, True)
    assert first.result["resident"] == {"satisfied": 2, "basically_satisfied": 1, "dissatisfied": 2}
    assert implementation.standing(completed, DAY).status.value == "rectification"
    assert db.scalar(select(Notification.kind).where(
        Notification.user_id == unit_official.id,
        Notification.kind == "rectification_required")) is not None

    with pytest.raises(DomainError, match="evaluation_closed"):  # the closed round refuses
        rating.rate(db, people[3], completed, "satisfied", today=DAY)
    with pytest.raises(DomainError, match="rectification_report_missing"):
        evaluation.open_round(db, official, completed)
    with pytest.raises(DomainError, match="not_responsible_unit"):
        evaluation.file_rectification(db, other_official, completed, "已整改")
    evaluation.file_rectification(db, unit_official, completed, "更换了故障电梯，增加维保频次。")
    second = evaluation.open_round(db, official, completed)
    db.commit()
    assert second.round_no == 2 and completed.rectifying  # still 整改中 until rated again

    rate_all(db, completed, people, ["satisfied"] * 4 + ["dissatisfied"])  # 80%: meets it
    assert counts_of(db, completed, 1)[RaterKind.RESIDENT] == Counts(2, 1, 2)  # kept
    assert evaluation.close_round(db, official, completed, today=CLOSE_DAY).rectify is False
    db.commit()
    assert not completed.rectifying
    assert implementation.standing(completed, DAY).status.value == "completed"
    with pytest.raises(DomainError, match="evaluation_passed"):
        evaluation.open_round(db, official, completed)
    assert [(e.round_no, e.action) for e in db.scalars(
        select(EvaluationLog).where(EvaluationLog.project_id == completed.id)
        .order_by(EvaluationLog.id))] == [
        (1, "opened"), (1, "closed"), (1, "rectification_required"), (1, "report_filed"),
        (2, "opened"), (2, "closed"), (2, "rectification_passed")]


def test_only_officials_open_and_close_and_nothing_opens_before_completion(
        db, project, official, resident):
    with pytest.raises(DomainError, match="project_not_completed"):
        evaluation.open_round(db, official, project)
    with pytest.raises(DomainError, match="officials_only"):
        evaluation.open_round(db, resident, project)
    with pytest.raises(DomainError, match="no_open_round"):
        evaluation.close_round(db, official, project, today=CLOSE_DAY)
    project.completed_on = date(2027, 8, 1)
    assert evaluation.open_round(db, official, project).round_no == 1
    with pytest.raises(DomainError, match="round_open"):
        evaluation.open_round(db, official, project)
    with pytest.raises(DomainError, match="no_ratings"):  # nobody heard: nothing to judge
        evaluation.close_round(db, official, project, today=CLOSE_DAY)


def test_residents_rate_and_change_their_rating_through_the_page(
        client, db, login, completed, residents):
    (person,) = residents(1)
    login(person)
    client.get("/lang/en")
    listed = client.get("/resident/evaluation").text
    assert completed.title in listed and "Rate" in listed
    url = f"/resident/evaluation/{completed.id}"
    form = client.get(url).text
    assert "Basically satisfied" in form and "You rate as: Residents" in form
    refused = client.post(url, data={"comment": "x" * 501, "level": "satisfied"})
    assert refused.status_code == 200 and "aria-invalid" in refused.text
    saved = client.post(url, data={"level": "satisfied", "comment": "很好"})
    assert saved.headers["Location"] == "/resident/evaluation"
    client.post(url, data={"level": "basically_satisfied"})
    assert counts_of(db, completed)[RaterKind.RESIDENT] == Counts(0, 1, 0)
    assert re.search(r'<input checked[^>]*value="basically_satisfied"', client.get(url).text)
    assert "Your rating: Basically satisfied" in client.get("/resident/evaluation").text


def test_delegates_rate_from_their_desk_as_delegates(client, db, login, completed,
                                                    delegate_seat):
    login(delegate_seat)
    assert completed.title in client.get("/delegate/evaluation").text
    client.post(f"/delegate/evaluation/{completed.id}", data={"level": "dissatisfied"})
    assert counts_of(db, completed)[RaterKind.DELEGATE] == Counts(0, 0, 1)


def test_officials_close_rounds_set_the_bar_and_the_unit_files_its_report(
        client, db, login, completed, residents, official, unit_official, cycle, clock,
        evaluator):
    rate_all(db, completed, residents(4), [S, B, B, D])
    clock(CLOSE_DAY)  # the round has been open the minimum by then
    login(official)
    client.get("/lang/en")
    desk = client.get("/official/evaluation").text
    assert completed.title in desk and "Close the round" in desk
    client.post(f"/official/evaluation/cycles/{cycle.id}/bar", data={"bar-bar": "76"})
    db.refresh(cycle)
    assert cycle.satisfaction_bar == 76  # 3 of 4 = 75% is now below it
    client.post(f"/official/evaluation/projects/{completed.id}/close", data={"confirm": "y"})
    db.refresh(completed)
    assert completed.rectifying
    locked = client.post(f"/official/evaluation/cycles/{cycle.id}/bar", data={"bar-bar": "70"},
                         follow_redirects=True)
    db.refresh(cycle)
    assert "its bar can no longer change" in locked.text and cycle.satisfaction_bar == 76
    page = client.get(f"/official/evaluation/projects/{completed.id}").text
    assert "File the rectification report" not in page  # not this official's unit
    client.post("/account/logout")

    login(unit_official)
    client.get("/lang/en")
    page = client.get(f"/official/evaluation/projects/{completed.id}").text
    assert "File the rectification report" in page
    client.post(f"/official/evaluation/projects/{completed.id}/rectification",
                data={"r-body": "加强维保，更换设备。"})
    client.post("/account/logout")
    login(evaluator)  # the unit does not open its own project's next round
    client.post(f"/official/evaluation/projects/{completed.id}/open")
    round2 = db.scalar(select(EvaluationRound).where(EvaluationRound.round_no == 2))
    assert round2 is not None and round2.is_open
    public = client.get(f"/projects/{completed.id}/evaluation").text
    assert "加强维保，更换设备。" in public and "Round 2" in public
    assert "Rectification required" in public


def test_a_new_delegate_seat_counts_from_the_day_it_begins(db, completed, admin, assembly,
                                                           make_user):
    newcomer = live_in(db, make_user(Role.DELEGATE, Role.RESIDENT))
    add_member(db, assembly, newcomer, admin, joined_on=date(2027, 10, 1))
    db.commit()
    rating.rate(db, newcomer, completed, "satisfied", today=DAY)  # before the seat: resident
    db.commit()
    assert counts_of(db, completed)[RaterKind.RESIDENT] == Counts(1, 0, 0)
