"""Requests share the proposals' category codes, so the two can be compared by category."""

from proposals.collection.models import Category as ProposalCategory
from proposals.requests.models import Category


def test_request_categories_are_the_proposals_categories():
    assert [c.value for c in Category] == [c.value for c in ProposalCategory]
