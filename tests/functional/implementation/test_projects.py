"""Implementation: starting projects, milestones, reports kept as history, status and lights."""

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from proposals.implementation import services as implementation
from proposals.implementation.models import Milestone, ProgressReport, Project
from proposals.implementation.services import MilestoneDraft
from tests.functional.builders import community_place, png_bytes
from votes.base import DomainError
from votes.people import Role
from votes.places import community_named

PNG = png_bytes()  # a real 1×1 image: photos are decoded and re-encoded when stored


def standing_of(page: str) -> tuple[str, str]:
    """The status and the light shown at the head of a project page."""
    status = re.search(r'class="badge status status-(\w+)"', page).group(1)
    light = re.search(r'class="light light-(\w+)"', page).group(1)
    return status, light


def report(db, who, project, day, milestone=None, **extra):
    reached = project.milestones[milestone - 1].id if milestone else None
    made = implementation.report_progress(db, who, project, reported_on=day, today=day,
                                          body=extra.pop("body", f"{day} 进展"),
                                          milestone_id=reached, **extra)
    db.commit()
    return made


def test_an_official_starts_an_adopted_candidate_and_plans_its_milestones(
    client, db, login, official, unit_official, adopted
):
    login(official)
    desk = client.get("/official/projects").text
    assert "和平社区老旧小区加装电梯" in desk
    url = f"/official/candidates/{adopted.candidate.id}/project"
    form = client.get(url).text
    assert 'value="350"' in form and 'value="2027-07-01"' in form  # from the candidate
    bad = client.post(url, data={"lead_official_id": unit_official.id, "start_date": "2027-07-01",
                                 "target_date": "2027-06-01", "budget": "350",
                                 "report_interval_days": "30"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.text
    assert db.scalar(select(Project)) is None
    started = client.post(url, data={"lead_official_id": unit_official.id,
                                     "start_date": "2027-07-01", "target_date": "2027-10-31",
                                     "budget": "340", "report_interval_days": "30"})
    project = db.scalar(select(Project))
    assert started.headers["Location"] == f"/official/projects/{project.id}/milestones"
    assert (project.responsible_unit, project.budget, project.category) == (
        "区住建委", 3_400_000, "housing")
    # Where it serves: its source proposals' community, chosen for the official at first.
    home = community_named(db, "和平社区")
    assert f'<option selected value="{home.id}">和平社区</option>' in form
    assert project.place is home
    assert client.get(url).headers["Location"] == f"/projects/{project.id}"  # one per candidate

    client.post("/account/logout")
    login(unit_official)
    saved = client.post(f"/official/projects/{project.id}/milestones", data={
        "mode": "milestones", "milestones-0-title": "完成设计", "milestones-0-target_date":
        "2027-07-31", "milestones-0-weight": "1", "milestones-1-title": "施工",
        "milestones-1-target_date": "2027-09-30", "milestones-1-weight": "3",
        "milestones-2-title": "", "milestones-2-target_date": "", "milestones-2-weight": ""})
    assert saved.status_code == 302
    db.expire_all()
    assert [(m.position, m.title, m.weight) for m in project.milestones] == [
        (1, "完成设计", 1), (2, "施工", 3)]
    outside = client.post(f"/official/projects/{project.id}/milestones", data={
        "mode": "milestones", "milestones-0-title": "太晚了", "milestones-0-target_date":
        "2028-01-31", "milestones-0-weight": "1"})
    assert outside.status_code == 200 and "太晚了" in outside.text


def test_only_an_adopted_candidate_gets_a_project_and_only_one(db, official, unit_official,
                                                                 adopted):
    candidate = adopted.candidate
    kwargs = {"lead_official": unit_official, "start_date": date(2027, 7, 1),
              "target_date": date(2027, 10, 31)}
    for proposal in adopted.proposals:
        proposal.status = "accepted"
    with pytest.raises(DomainError, match="not_adopted"):
        implementation.create_project(db, official, candidate, **kwargs)
    for proposal in adopted.proposals:
        proposal.status = "adopted"
    with pytest.raises(DomainError, match="officials_only"):
        implementation.create_project(db, adopted.fan, candidate, **kwargs)
    implementation.create_project(db, official, candidate, **kwargs)
    with pytest.raises(DomainError, match="project_exists"):
        implementation.create_project(db, official, candidate, **kwargs)


def test_a_project_serves_its_proposals_community_else_their_street_else_their_district(
        db, official, unit_official, adopted):
    lift, other = adopted.proposals
    home = lift.place
    assert implementation.project_place(db, adopted.candidate) is home  # one community
    other.place = community_place(db, "幸福社区")  # the same street, another community
    db.flush()
    db.expire(adopted.candidate)
    assert implementation.project_place(db, adopted.candidate) is home.parent
    other.place = community_place(db, "湖光社区", "黄河街道")  # another street
    db.flush()
    db.expire(adopted.candidate)
    assert implementation.project_place(db, adopted.candidate) is home.parent.parent
    made = implementation.create_project(
        db, official, adopted.candidate, lead_official=unit_official,
        start_date=date(2027, 7, 1), target_date=date(2027, 10, 31))
    assert made.place is home.parent.parent


def test_an_official_may_say_the_project_serves_another_place(client, db, login, official,
                                                              make_user, project):
    street = project.place.parent
    login(official)
    client.get("/lang/en")
    page = client.get(f"/official/projects/{project.id}").text
    assert f'<option selected value="{project.place.id}">和平社区</option>' in page
    assert f'<option value="{street.id}">长江街道 (the whole street)</option>' in page
    saved = client.post(f"/official/projects/{project.id}/place",
                        data={"place_id": str(street.id)}, follow_redirects=True)
    assert "The place is saved." in saved.text
    db.refresh(project)
    assert project.place is street
    client.post(f"/official/projects/{project.id}/place", data={"place_id": "999999"})
    db.refresh(project)
    assert project.place is street  # not a place on the list: nothing changes
    with pytest.raises(DomainError, match="officials_only"):
        implementation.place_project(db, make_user(Role.RESIDENT), project, street)


def test_reports_are_kept_as_history_and_milestones_make_the_progress(
    client, db, login, unit_official, project, clock
):
    clock(date(2027, 8, 1))
    login(unit_official)
    client.get("/lang/en")
    first = client.post(f"/official/projects/{project.id}/report", data={
        "reported_on": "2027-07-25", "body": "设计完成，招标结束。", "spend_to_date": "50",
        "milestone_id": str(project.milestones[0].id)})
    assert first.headers["Location"] == f"/projects/{project.id}#reports"
    client.post(f"/official/projects/{project.id}/report", data={
        "reported_on": "2027-08-01", "body": "井道开挖。", "spend_to_date": "80",
        "milestone_id": "0"})
    db.expire_all()
    reports = db.scalars(select(ProgressReport).order_by(ProgressReport.id)).all()
    assert [(r.reported_on, r.spend_to_date, r.progress_after) for r in reports] == [
        (date(2027, 7, 25), 500_000, 25), (date(2027, 8, 1), 800_000, 25)]
    assert implementation.project_progress(project) == 25  # weight 1 of 4
    assert project.milestones[0].done_on == date(2027, 7, 25)

    lower = client.post(f"/official/projects/{project.id}/report", data={
        "reported_on": "2027-08-01", "body": "更正。", "spend_to_date": "70",
        "milestone_id": "0"})
    assert "cannot be less than in the last report (¥800,000)" in lower.text
    earlier = client.post(f"/official/projects/{project.id}/report", data={
        "reported_on": "2027-07-30", "body": "补报。", "milestone_id": "0"})
    assert "The date is before the last report (Aug 1, 2027)." in earlier.text
    future = client.post(f"/official/projects/{project.id}/report", data={
        "reported_on": "2027-08-02", "body": "明天。", "milestone_id": "0"})
    assert "The date is in the future." in future.text
    assert db.scalar(select(ProgressReport).where(ProgressReport.body.in_(
        ["更正。", "补报。", "明天。"]))) is None

    page = client.get(f"/projects/{project.id}").text
    assert "设计完成，招标结束。" in page and "井道开挖。" in page
    assert page.index("井道开挖。") < page.index("设计完成，招标结束。")  # newest first
    assert "Milestone reached: 完成设计和招标" in page and 'value="25"' in page


def test_manual_progress_needs_a_reason(client, db, login, unit_official, project, clock):
    with pytest.raises(DomainError, match="required"):
        implementation.set_milestones(db, unit_official, project, [], mode="manual")
    db.rollback()
    with pytest.raises(DomainError, match="percent_not_manual"):
        implementation.report_progress(db, unit_official, project, reported_on=date(2027, 8, 1),
                                       today=date(2027, 8, 1), body="x", percent=10,
                                       reason="估算")
    db.rollback()  # before signing in: it would undo the sign-in's session row too
    login(unit_official)
    no_reason = client.post(f"/official/projects/{project.id}/milestones",
                            data={"mode": "manual", "manual_reason": ""})
    assert no_reason.status_code == 200 and 'aria-invalid="true"' in no_reason.text
    client.post(f"/official/projects/{project.id}/milestones", data={
        "mode": "manual", "manual_reason": "电梯安装按栋推进，节点难以加权。",
        **{f"milestones-{i}-{k}": v for i, m in enumerate(project.milestones)
           for k, v in (("id", m.id), ("title", m.title),
                        ("target_date", m.target_date.isoformat()), ("weight", m.weight))}})
    db.expire_all()
    assert project.progress_mode == "manual" and len(project.milestones) == 3
    bare = client.post(f"/official/projects/{project.id}/report", data={
        "reported_on": "2027-08-01", "body": "两栋完成。", "percent": "40", "milestone_id": "0"})
    assert bare.status_code == 200 and 'id="reason-error"' in bare.text
    client.post(f"/official/projects/{project.id}/report", data={
        "reported_on": "2027-08-01", "body": "两栋完成。", "percent": "40",
        "reason": "6 栋中已完成 2 栋多", "milestone_id": "0"})
    db.expire_all()
    assert implementation.project_progress(project) == 40
    assert project.manual_reason == "6 栋中已完成 2 栋多"
    client.get("/lang/en")
    page = client.get(f"/projects/{project.id}").text
    assert "Reported progress 40%: 6 栋中已完成 2 栋多" in page
    assert "A reported percentage" in page


def test_status_and_traffic_light_follow_the_dates_with_a_fixed_clock(
    client, db, unit_official, project, clock
):
    client.get("/lang/en")

    def seen(day):
        clock(day)
        page = client.get(f"/projects/{project.id}").text
        return (*standing_of(page), page)

    status, light, page = seen(date(2027, 6, 20))
    assert (status, light) == ("not_started", "on_track") and "Not started" in page
    report(db, unit_official, project, date(2027, 7, 25), milestone=1)
    status, light, page = seen(date(2027, 8, 1))  # 25% done, 25% of the time gone
    assert (status, light) == ("in_progress", "on_track") and "On track" in page
    status, light, page = seen(date(2027, 9, 10))  # no report since 07-25, due 08-24
    assert (status, light) == ("in_progress", "overdue")
    assert '<span class="late late-report">Progress report 17 days late</span>' in page
    assert "late-target" not in page  # the target, 10-31, is still ahead: not late
    report(db, unit_official, project, date(2027, 9, 10), milestone=2)
    assert seen(date(2027, 9, 15))[:2] == ("in_progress", "on_track")
    status, light, page = seen(date(2027, 10, 5))  # 26 days to the target, 75% < 90%
    assert (status, light) == ("in_progress", "at_risk") and "At risk" in page
    status, light, page = seen(date(2027, 11, 5))
    assert (status, light) == ("delayed", "overdue") and "Delayed" in page
    assert '<span class="late late-target">5 days late</span>' in page  # target 10-31
    assert "Progress report 26 days late" in page  # reported 09-10, next due 10-10
    report(db, unit_official, project, date(2027, 11, 5), milestone=3)
    status, light, page = seen(date(2027, 11, 6))
    assert (status, light) == ("completed", "on_track") and "Completed on" in page
    assert project.completed_on == date(2027, 11, 5)


def test_completion_and_reports_reach_the_residents_behind_the_project(
    db, unit_official, project, adopted
):
    from proposals.collection.models import Notification

    report(db, unit_official, project, date(2027, 7, 25), milestone=1)
    for n in (2, 3):
        report(db, unit_official, project, date(2027, 9, 1), milestone=n)
    told = [(n.user_id, n.kind) for n in db.scalars(select(Notification).where(
        Notification.kind.like("project_%")).order_by(Notification.id))]
    lift, lift2 = adopted.proposals
    for person in (lift.proposer_id, lift2.proposer_id, adopted.fan.id):
        assert (person, "project_report") in told and (person, "project_completed") in told
    assert len(told) == len(set(told)) + 3  # two plain reports, then the completion


def test_only_the_responsible_unit_or_the_lead_reports(
    client, db, login, make_user, unit_official, other_official, project, clock
):
    colleague = make_user(Role.OFFICIAL, name="同单位干部")
    colleague.unit = "区住建委"
    db.commit()
    url = f"/official/projects/{project.id}/report"
    data = {"reported_on": "2027-08-01", "body": "越权上报。", "milestone_id": "0"}
    login(other_official)
    client.get("/lang/en")
    assert "Only the responsible unit (区住建委)" in client.get(url).text
    refused = client.post(url, data=data, follow_redirects=True)
    assert "Only the responsible unit (区住建委) and the lead official" in refused.text
    client.post(f"/official/projects/{project.id}/milestones", data={"mode": "milestones"})
    assert db.scalar(select(ProgressReport)) is None and len(project.milestones) == 3
    with pytest.raises(DomainError, match="not_responsible_unit"):
        implementation.report_progress(db, other_official, project,
                                       reported_on=date(2027, 8, 1), today=date(2027, 8, 1),
                                       body="x")
    db.rollback()
    for person in (make_user(Role.RESIDENT), make_user(Role.DELEGATE)):
        client.post("/account/logout")
        login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, data=data).status_code == 403
    client.post("/account/logout")
    login(colleague)
    assert client.post(url, data={**data, "body": "同单位上报。"}).status_code == 302
    assert db.scalar(select(ProgressReport.body)) == "同单位上报。"


def test_report_photos_are_kept_and_served_with_safe_headers(
    client, db, login, unit_official, project, clock
):
    login(unit_official)
    client.post(f"/official/projects/{project.id}/report", content_type="multipart/form-data",
                data={"reported_on": "2027-08-01", "body": "现场照片。", "milestone_id": "0",
                      "photos": [(io.BytesIO(PNG), "site.png")]})
    saved = db.scalar(select(ProgressReport))
    assert saved is not None and len(saved.photos) == 1
    key = saved.photos[0].key
    client.post("/account/logout")
    assert f"/project-photos/{key}" in client.get(f"/projects/{project.id}").text
    served = client.get(f"/project-photos/{key}")
    assert served.status_code == 200 and served.data == PNG
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert client.get("/project-photos/AAAAAAAAAAAAAAAAAAAAAAAA.png").status_code == 404

    login(unit_official)
    refused = client.post(f"/official/projects/{project.id}/report",
                          content_type="multipart/form-data",
                          data={"reported_on": "2027-08-01", "body": "不是照片。",
                                "milestone_id": "0",
                                "photos": [(io.BytesIO(b"<html>"), "x.png")]})
    assert refused.status_code == 200
    assert db.scalar(select(ProgressReport).where(ProgressReport.body == "不是照片。")) is None


def test_the_public_overview_filters_and_charts_the_projects(
    client, db, unit_official, project, clock
):
    report(db, unit_official, project, date(2027, 7, 25), milestone=1)
    clock(date(2027, 8, 1))
    client.get("/lang/en")
    page = client.get("/projects").text
    assert "和平社区老旧小区加装电梯" in page and "In progress" in page
    assert '<progress class="bar" max="100" value="25"' in page
    assert 'id="chart-gantt-data"' in page and '"2027-08-01"' in page  # the today line
    # the chart's numbers, in its table
    assert '<td class="num" data-label="Progress in percent">25</td>' in page
    for query in ("status=in_progress", "unit=区住建委", "category=housing", "location=和平"):
        assert "和平社区老旧小区加装电梯" in client.get(f"/projects?{query}").text, query
    for query in ("status=delayed", "unit=区教委", "category=health", "location=幸福社区"):
        assert "No project matches these filters." in client.get(f"/projects?{query}").text


def test_the_project_page_tells_the_story_from_proposal_to_today(client, db, project, adopted):
    client.get("/lang/en")
    page = client.get(f"/projects/{project.id}").text
    lift, lift2 = adopted.proposals
    assert f'href="/proposals/{lift.id}"' in page and f'href="/proposals/{lift2.id}"' in page
    assert f'href="/cycles/{project.cycle_id}/shortlist#candidate-{adopted.candidate.id}"' in page
    assert 'class="ballot-link"' in page and "Adopted by the delegates" in page
    assert page.index("Proposed by residents") < page.index("Shortlisted") < page.index(
        "Implementation starts") < page.index("完成设计和招标")
    chinese = client.get("/lang/zh_Hans") and client.get(f"/projects/{project.id}").text
    assert '<html lang="zh-Hans">' in chinese


def test_a_milestone_reached_cannot_be_removed_but_others_can(db, unit_official, project):
    report(db, unit_official, project, date(2027, 7, 25), milestone=1)
    first, _second, third = project.milestones
    with pytest.raises(DomainError, match="milestone_done_kept"):
        implementation.set_milestones(db, unit_official, project, [
            MilestoneDraft(third.title, third.target_date, 1, id=third.id)])
    db.rollback()
    implementation.set_milestones(db, unit_official, project, [
        MilestoneDraft(first.title, first.target_date, 1, id=first.id),
        MilestoneDraft("新增：加装无障碍坡道", date(2027, 10, 15), 1)])
    db.commit()
    rows = db.scalars(select(Milestone).order_by(Milestone.position)).all()
    assert [(m.title, m.done_on is not None) for m in rows] == [
        ("完成设计和招标", True), ("新增：加装无障碍坡道", False)]
    assert implementation.project_progress(project) == 50
