"""Builders for proposal tests: a cycle collecting proposals and people in every role."""

from datetime import date

import pytest

from proposals.collection.services import ProposalDraft, submit_proposal
from proposals.cycles.services import create_cycle
from proposals.cycles.stages import Stage
from votes.people import Role

DATES = {s: date(2027, 1 + 2 * i, 1) for i, s in enumerate(Stage)}


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, Role.OFFICIAL, name="管理员")


@pytest.fixture
def cycle(db, admin, assembly):
    found = create_cycle(db, admin, assembly=assembly, title="2027年度测试区民生实事项目",
                         year=2027, dates=DATES)
    db.commit()
    return found


@pytest.fixture
def resident(make_user):
    return make_user(Role.RESIDENT, name="王秀英")


@pytest.fixture
def official(make_user):
    return make_user(Role.OFFICIAL, name="张建国")


@pytest.fixture
def delegate(make_user):
    return make_user(Role.DELEGATE, name="李代表")


@pytest.fixture
def propose(db, cycle):
    """Submit a proposal through the service, as `author`, and commit."""

    def make(author, title="老旧小区加装电梯", description="六层老楼没有电梯，老人上下楼困难。",
             category="housing", community="和平社区", **extra):
        created = submit_proposal(db, author, cycle, ProposalDraft(
            title=title, description=description, category=category, district="测试区",
            street="长江街道", community=community, **extra))
        db.commit()
        return created

    return make
