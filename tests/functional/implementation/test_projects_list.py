"""The public list of projects: every year by default, one cycle when asked, pages as ever."""

import re
from datetime import date

import pytest

from proposals.collection.services import ProposalDraft, submit_proposal
from proposals.cycles.services import advance_cycle, create_cycle
from proposals.implementation import services as implementation
from proposals.shortlist import services as shortlist
from proposals.shortlist.services import CandidateDraft
from tests.functional.builders import DATES, UNIT, community_place
from votes.people import Role

EARLIER = {stage: day.replace(year=day.year - 1) for stage, day in DATES.items()}


@pytest.fixture
def earlier_project(db, admin, assembly, official, unit_official, make_user):
    """A project of the year before, in a cycle of its own."""
    cycle = create_cycle(db, admin, assembly=assembly, title="2026年度测试区民生实事项目",
                         year=2026, dates=EARLIER)
    source = submit_proposal(db, make_user(Role.RESIDENT), cycle, ProposalDraft(
        title="幸福社区口袋公园", description="社区没有休闲场地，建议建口袋公园。",
        category="environment", community=community_place(db, "幸福社区", "黄河街道")))
    advance_cycle(db, cycle, admin, "shortlist")
    candidate = shortlist.create_candidate(db, official, cycle, CandidateDraft(
        title="幸福社区口袋公园建设", description="利用闲置地块建设口袋公园。",
        responsible_unit=UNIT, estimated_cost=800_000, funding_source="区级财政",
        expected_completion=date(2026, 10, 31), location="黄河街道幸福社区"), [source.id])
    # like the `adopted` fixture, the ballot's own work is skipped
    advance_cycle(db, cycle, admin, "ballot", check_work=False)
    advance_cycle(db, cycle, admin, "implementation", check_work=False)
    source.status = "adopted"
    made = implementation.create_project(
        db, official, candidate, lead_official=unit_official, start_date=date(2026, 7, 1),
        target_date=date(2026, 10, 31))
    db.commit()
    return made


def titles(page: str) -> list[str]:
    return re.findall(r'<h2><a href="/projects/\d+">([^<]+)</a></h2>', page)


def test_the_list_shows_every_year_by_default_newest_first(
    client, project, earlier_project, clock
):
    client.get("/lang/en")
    page = client.get("/projects").text
    assert titles(page) == ["和平社区老旧小区加装电梯", "幸福社区口袋公园建设"]
    cycle_filter = page.split('id="f-cycle"')[1].split("</select>")[0]
    assert cycle_filter.startswith(' name="cycle"><option value="">All years</option>')
    assert " selected" not in cycle_filter  # no cycle chosen: the first option, all years
    assert "2 projects shown" in page
    # each card says its cycle when the years are mixed
    assert "2026年度测试区民生实事项目" in page and "2027年度测试区民生实事项目" in page


def test_the_cycle_filter_still_narrows_to_one_cycle(
    client, project, earlier_project, clock
):
    client.get("/lang/en")
    page = client.get(f"/projects?cycle={earlier_project.cycle_id}").text
    assert titles(page) == ["幸福社区口袋公园建设"]
    assert f'<option value="{earlier_project.cycle_id}" selected>' in page
    assert titles(client.get(f"/projects?cycle={project.cycle_id}").text) == [
        "和平社区老旧小区加装电梯"]
    # the other filters work across years, and clearing them keeps the chosen cycle
    assert titles(client.get("/projects?location=幸福").text) == ["幸福社区口袋公园建设"]
    filtered = client.get(f"/projects?cycle={project.cycle_id}&location=和平").text
    assert f'href="/projects?cycle={project.cycle_id}">Clear filters' in filtered
    assert 'href="/projects">Clear filters' in client.get("/projects?location=和平").text


def test_all_years_are_paged(app, client, project, earlier_project, clock):
    app.config["PAGE_SIZE"] = 1
    client.get("/lang/en")
    first = client.get("/projects").text
    assert titles(first) == ["和平社区老旧小区加装电梯"] and "Page 1 of 2" in first
    assert 'rel="next" href="/projects?page=2"' in first
    second = client.get("/projects?page=2").text
    assert titles(second) == ["幸福社区口袋公园建设"] and "Page 2 of 2" in second
