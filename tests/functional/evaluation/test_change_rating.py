"""One's own rating: shown where one rates, changed while the round is open, one per person."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from proposals.evaluation import rating
from proposals.evaluation import rounds as evaluation
from proposals.evaluation.models import Rating
from proposals.evaluation.satisfaction import Counts, RaterKind
from tests.functional.builders import CLOSE_DAY, DAY, rate_all

RATED_AT = datetime(2027, 9, 20, 2, 0, tzinfo=UTC)  # 10:00 in Beijing, on DAY
CHANGED_AT = datetime(2027, 9, 22, 3, 0, tzinfo=UTC)


@pytest.fixture
def moments(monkeypatch):
    """The rating service's clock: set_to(moment) fixes what it records as now."""
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(rating, "utcnow", lambda: moment)

    set_to(RATED_AT)
    return set_to


def counts_of(db, project, round_no=1):
    return evaluation.counts(db, project.id, round_no)


def my_rating_section(page: str) -> str:
    found = re.search(r'<section class="my-rating".*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_a_resident_sees_their_rating_and_changes_it_while_the_round_is_open(
        client, db, login, completed, residents, moments):
    (person,) = residents(1)
    login(person)
    client.get("/lang/en")
    url = f"/resident/evaluation/{completed.id}"
    evaluation_page = f"/projects/{completed.id}/evaluation"
    assert my_rating_section(client.get(url).text) == ""
    assert "Rate this project" in client.get(evaluation_page).text

    client.post(url, data={"level": "satisfied", "comment": "电梯运行平稳"})
    page = client.get(url).text
    mine = my_rating_section(page)
    assert "Satisfied" in mine and "rated on Sep 20, 2027" in mine
    assert "电梯运行平稳" in mine and "changed on" not in mine
    assert "You can change your rating until the round closes." in page
    assert ">Change my rating</button>" in page
    shown = client.get(evaluation_page).text
    assert "Rate this project" not in shown
    assert re.search(r"Your rating: Satisfied</span> — <a href=\"" + re.escape(url)
                     + r"\">Change</a>", shown)
    assert "Your rating: Satisfied" in client.get("/resident/evaluation").text

    moments(CHANGED_AT)
    client.post(url, data={"level": "dissatisfied", "comment": "噪音大"})
    mine = my_rating_section(client.get(url).text)
    assert "Dissatisfied" in mine and "噪音大" in mine and "电梯运行平稳" not in mine
    assert "rated on Sep 20, 2027" in mine and "changed on Sep 22, 2027" in mine
    assert "Your rating: Dissatisfied" in client.get(evaluation_page).text
    # still one rating of this person, and the count moved from one level to the other
    assert db.scalar(select(func.count(Rating.id)).where(Rating.user_id == person.id)) == 1
    assert counts_of(db, completed)[RaterKind.RESIDENT] == Counts(0, 0, 1)
    stored = rating.my_rating(db, person.id, completed.id, 1)
    db.refresh(stored)
    assert stored.created_at.replace(tzinfo=UTC) == RATED_AT
    assert stored.updated_at.replace(tzinfo=UTC) == CHANGED_AT


def test_a_delegate_is_sent_to_the_delegates_rating_page(
        client, db, login, completed, delegate_seat, moments):
    login(delegate_seat)
    client.get("/lang/en")
    client.post(f"/delegate/evaluation/{completed.id}", data={"level": "basically_satisfied"})
    shown = client.get(f"/projects/{completed.id}/evaluation").text
    assert "Your rating: Basically satisfied" in shown
    assert f'href="/delegate/evaluation/{completed.id}">Change</a>' in shown


def test_saving_the_same_rating_again_is_no_change(db, completed, residents, moments):
    (person,) = residents(1)
    rating.rate(db, person, completed, "satisfied", " 很好 ", today=DAY)
    moments(CHANGED_AT)
    again = rating.rate(db, person, completed, "satisfied", "很好", today=DAY)
    db.commit()
    assert again.updated_at.replace(tzinfo=UTC) == RATED_AT == again.created_at.replace(
        tzinfo=UTC)
    assert counts_of(db, completed)[RaterKind.RESIDENT] == Counts(1, 0, 0)
    changed = rating.rate(db, person, completed, "satisfied", "很好，但电梯有点慢", today=DAY)
    db.commit()
    assert changed.updated_at.replace(tzinfo=UTC) == CHANGED_AT
    assert counts_of(db, completed)[RaterKind.RESIDENT] == Counts(1, 0, 0)  # same level


def test_once_the_round_closes_the_rating_is_shown_and_can_no_longer_change(
        client, db, login, completed, residents, evaluator, clock, moments):
    people = residents(3)
    rate_all(db, completed, people, ["satisfied", "satisfied", "basically_satisfied"])
    clock(CLOSE_DAY)
    evaluation.close_round(db, evaluator, completed, today=CLOSE_DAY)
    db.commit()
    login(people[0])
    client.get("/lang/en")
    url = f"/resident/evaluation/{completed.id}"
    page = client.get(url).text
    assert "Rating of this project is closed." in page
    assert "Satisfied" in my_rating_section(page) and 'class="rating-form"' not in page
    shown = client.get(f"/projects/{completed.id}/evaluation").text
    assert "Rate this project" not in shown and "Your rating:" not in shown
    client.post(url, data={"level": "dissatisfied"})
    assert rating.my_rating(db, people[0].id, completed.id, 1).level == "satisfied"
    assert counts_of(db, completed)[RaterKind.RESIDENT] == Counts(2, 1, 0)
