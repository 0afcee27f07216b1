"""The evaluation fixtures (tests/functional/conftest.py): a completed project, raters, a ballot."""

from proposals.evaluation.rounds import latest_round
from tests.functional.builders import DONE


def test_the_builder_completes_the_project_and_its_first_round_opens(db, completed):
    assert completed.completed_on == DONE
    first = latest_round(db, completed.id)
    assert (first.round_no, first.is_open, first.opened_by_id) == (1, True, None)
