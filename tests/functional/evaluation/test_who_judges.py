"""Who judges a project, and when: never its own unit, and only after the round's minimum days."""

from datetime import date, timedelta

import pytest

from app.config import load_config
from proposals.evaluation import rounds as evaluation
from proposals.evaluation.satisfaction import Counts, RaterKind
from tests.functional.builders import CLOSE_DAY, DONE, UNIT, rate_all, refused
from votes.people import Role

S, B, D = "satisfied", "basically_satisfied", "dissatisfied"


@pytest.fixture
def colleague(db, make_user):
    """An official of the responsible unit who is not the project's lead official."""
    person = make_user(Role.OFFICIAL, name="孙科员")
    person.unit = UNIT
    db.commit()
    return person


def test_the_responsible_unit_never_closes_its_own_round_even_above_the_bar(
        db, completed, residents, unit_official, colleague, evaluator):
    rate_all(db, completed, residents(3), [S, S, S])  # 100%: closing now would suit the unit
    for insider in (unit_official, colleague):
        error = refused("own_project_judging", evaluation.close_round, db, insider, completed,
                        today=CLOSE_DAY)
        assert error.params == {"unit": UNIT}
    assert evaluation.latest_round(db, completed.id).is_open
    assert evaluation.close_round(db, evaluator, completed, today=CLOSE_DAY).rectify is False


def test_the_responsible_unit_does_not_open_its_next_round(
        db, completed, residents, unit_official, evaluator):
    rate_all(db, completed, residents(2), [D, D])
    evaluation.close_round(db, evaluator, completed, today=CLOSE_DAY)
    evaluation.file_rectification(db, unit_official, completed, "更换设备，加强维保。")
    db.commit()
    refused("own_project_judging", evaluation.open_round, db, unit_official, completed)
    assert evaluation.open_round(db, evaluator, completed).round_no == 2


def test_a_round_closes_only_after_its_minimum_days(db, completed, residents, evaluator):
    rate_all(db, completed, residents(1), [S])
    earliest = DONE + timedelta(days=evaluation.MIN_OPEN_DAYS)  # opened on DONE
    error = refused("round_too_young", evaluation.close_round, db, evaluator, completed,
                    today=earliest - timedelta(days=1))
    assert error.params == {"days": 14, "date": earliest}
    refused("round_too_young", evaluation.close_round, db, evaluator, completed,
            today=CLOSE_DAY, min_open_days=30)  # an installation that keeps rounds open longer
    assert evaluation.close_round(db, evaluator, completed, today=earliest).rectify is False
    assert evaluation.counts(db, completed.id, 1)[RaterKind.RESIDENT] == Counts(1, 0, 0)


def test_an_official_answering_for_a_project_of_the_cycle_does_not_set_its_bar(
        db, cycle, completed, unit_official, evaluator):
    error = refused("own_cycle_bar", evaluation.set_bar, db, unit_official, cycle, 60)
    assert error.params == {"title": completed.title}
    evaluation.set_bar(db, evaluator, cycle, 85)
    assert cycle.satisfaction_bar == 85


def test_the_minimum_is_the_installations_to_set(tmp_path):
    assert load_config({}, instance=tmp_path)["EVALUATION_MIN_OPEN_DAYS"] == 14
    config = load_config({"YISHI_EVALUATION_MIN_OPEN_DAYS": "21"}, instance=tmp_path)
    assert config["EVALUATION_MIN_OPEN_DAYS"] == 21


# --- the desk offers closing only to who may close, and says why not --------------------------


def test_the_desk_tells_the_unit_it_does_not_judge_and_refuses_its_close(
        client, db, login, completed, residents, unit_official, clock):
    rate_all(db, completed, residents(2), [S, S])
    clock(CLOSE_DAY)
    login(unit_official)
    client.get("/lang/en")
    desk = client.get("/official/evaluation").text
    assert "Close the round" not in desk and "Set the bar" not in desk
    assert "do not judge their own project" in desk and "another official" in desk
    manage = client.get(f"/official/evaluation/projects/{completed.id}").text
    assert "Close the round" not in manage and "do not judge their own project" in manage
    answer = client.post(f"/official/evaluation/projects/{completed.id}/close",
                         follow_redirects=True)
    assert "do not judge their own project" in answer.text
    assert evaluation.latest_round(db, completed.id).is_open
    client.get("/lang/zh_Hans")
    assert "不评判本单位的项目" in client.get("/official/evaluation").text


def test_the_desk_says_when_a_young_round_can_close(
        app, client, db, login, completed, residents, evaluator, clock):
    rate_all(db, completed, residents(2), [S, S])
    login(evaluator)
    client.get("/lang/en")
    clock(date(2027, 9, 20))  # five days after the round opened
    desk = client.get("/official/evaluation").text
    assert "Close the round" not in desk
    assert "at least 14 days" in desk and "can close from Sep 29, 2027" in desk
    client.post(f"/official/evaluation/projects/{completed.id}/close", data={"confirm": "y"})
    assert evaluation.latest_round(db, completed.id).is_open
    clock(date(2027, 9, 29))
    assert "Close the round" in client.get(f"/official/evaluation/projects/{completed.id}").text
    app.config["EVALUATION_MIN_OPEN_DAYS"] = 30  # this district keeps rounds open a month
    manage = client.get(f"/official/evaluation/projects/{completed.id}").text
    assert "Close the round" not in manage and "can close from Oct 15, 2027" in manage
    app.config["EVALUATION_MIN_OPEN_DAYS"] = 14
    client.post(f"/official/evaluation/projects/{completed.id}/close", data={"confirm": "y"})
    db.expire_all()
    assert not evaluation.latest_round(db, completed.id).is_open


def test_the_desk_offers_the_first_round_only_to_an_official_who_may_open_it(
        client, db, login, project, unit_official, evaluator, clock):
    project.completed_on = date(2027, 8, 1)  # completed, no round yet
    db.commit()
    for who, offered in ((unit_official, False), (evaluator, True)):
        login(who)
        client.get("/lang/en")
        assert ("Open rating" in client.get("/official/evaluation").text) is offered
        manage = client.get(f"/official/evaluation/projects/{project.id}").text
        assert ("Open round 1" in manage) is offered
        client.post("/account/logout")
