"""Supervising projects: inspections, follow-ups the unit answers, 督办, the CSV update."""

import io
from datetime import date

import pytest
from sqlalchemy import select

from proposals.collection.models import Notification
from proposals.implementation import services as implementation
from proposals.implementation import supervision
from proposals.implementation.models import (
    Escalation,
    FollowUp,
    Inspection,
    ProgressReport,
    Project,
)
from proposals.shortlist.models import Candidate
from votes.base import DomainError
from votes.people import Role

INSPECTION = {"inspected_on": "2027-08-01", "participants": "孙代表、周代表",
              "findings": "井道施工围挡不规范，噪声扰民。",
              "follow_ups-0-request": "整改施工围挡", "follow_ups-0-due_on": "2027-08-10",
              "follow_ups-1-request": "公布夜间施工时间", "follow_ups-1-due_on": "",
              "follow_ups-2-request": "", "follow_ups-2-due_on": ""}


def inspect(db, delegate, project, day=date(2027, 8, 1), requests=(("整改施工围挡", None),)):
    made = supervision.record_inspection(db, delegate, project, inspected_on=day, today=day,
                                         participants="孙代表", findings="现场查看。",
                                         follow_ups=list(requests))
    db.commit()
    return made


def test_a_seated_delegate_records_an_inspection_with_follow_ups(
    client, db, login, delegate_seat, unit_official, project, clock
):
    login(delegate_seat)
    client.get("/lang/en")
    assert "和平社区老旧小区加装电梯" in client.get("/delegate/projects").text
    done = client.post(f"/delegate/projects/{project.id}/inspect", data=INSPECTION)
    assert done.headers["Location"] == f"/projects/{project.id}#inspections"
    inspection = db.scalar(select(Inspection))
    assert [(f.request, f.due_on) for f in inspection.follow_ups] == [
        ("整改施工围挡", date(2027, 8, 10)), ("公布夜间施工时间", None)]
    assert db.scalar(select(Notification).where(
        Notification.user_id == unit_official.id,
        Notification.kind == "follow_up_requested")) is not None
    client.post("/account/logout")
    page = client.get(f"/projects/{project.id}").text
    assert "井道施工围挡不规范，噪声扰民。" in page and "孙代表、周代表" in page
    assert page.count("Not answered yet") == 2
    assert "2 follow-ups awaiting an answer" in (login(delegate_seat) and client.get(
        "/delegate/projects").text)


def test_only_delegates_of_the_adopting_assembly_inspect(
    client, db, login, make_user, unit_official, project, clock
):
    outsider = make_user(Role.DELEGATE, name="外区代表")
    login(outsider)
    client.get("/lang/en")
    page = client.get(f"/delegate/projects/{project.id}/inspect").text
    assert "Only delegates of 测试区人民代表大会 can inspect this project." in page
    refused = client.post(f"/delegate/projects/{project.id}/inspect", data=INSPECTION)
    assert "Only delegates of the assembly that adopted this project" in refused.text
    for person in (unit_official, make_user(Role.RESIDENT)):
        client.post("/account/logout")
        login(person)
        assert client.post(f"/delegate/projects/{project.id}/inspect",
                           data=INSPECTION).status_code == 403
    assert db.scalar(select(Inspection)) is None
    with pytest.raises(DomainError, match="delegates_only"):
        inspect(db, unit_official, project)


def test_the_responsible_unit_answers_each_follow_up_and_open_ones_stay_visible(
    client, db, login, delegate_seat, unit_official, other_official, project, clock
):
    inspect(db, delegate_seat, project, requests=[("整改施工围挡", None), ("公布施工时间", None)])
    first, second = db.scalars(select(FollowUp).order_by(FollowUp.id)).all()
    login(other_official)
    client.get("/lang/en")
    refused = client.post(f"/official/follow-ups/{first.id}/answer",
                          data={f"f{first.id}-answer": "越权答复"}, follow_redirects=True)
    assert "Only the responsible unit (区住建委)" in refused.text
    client.post("/account/logout")
    login(unit_official)
    manage = client.get(f"/official/projects/{project.id}").text
    assert "整改施工围挡" in manage and f'name="f{first.id}-answer"' in manage
    client.post(f"/official/follow-ups/{first.id}/answer",
                data={f"f{first.id}-answer": "已于8月3日更换围挡。"})
    db.expire_all()
    assert first.answer == "已于8月3日更换围挡。" and first.answered_by_id == unit_official.id
    again = client.post(f"/official/follow-ups/{first.id}/answer",
                        data={f"f{first.id}-answer": "再答一次"}, follow_redirects=True)
    assert "This has already been answered." in again.text
    assert supervision.open_follow_ups(db, project.id) == [second]
    assert db.scalar(select(Notification).where(Notification.user_id == delegate_seat.id,
                                                Notification.kind == "follow_up_answered"))
    client.post("/account/logout")
    page = client.get(f"/projects/{project.id}").text
    assert "已于8月3日更换围挡。" in page and page.count("Not answered yet") == 1


def test_escalation_lists_late_projects_logs_the_escalation_and_its_answer(
    client, db, login, official, delegate_seat, unit_official, project, clock
):
    implementation.report_progress(db, unit_official, project, reported_on=date(2027, 7, 25),
                                   today=date(2027, 7, 25), body="开工。")
    inspect(db, delegate_seat, project, day=date(2027, 8, 1))  # answer due by 08-16
    login(official)
    client.get("/lang/en")
    clock(date(2027, 8, 10))
    assert "No project needs supervision today." in client.get("/official/supervision").text
    with pytest.raises(DomainError, match="no_grounds"):
        supervision.escalate(db, official, project, "unanswered", "督办", today=date(2027, 8, 10))
    clock(date(2027, 8, 20))
    listing = client.get("/official/supervision").text
    assert "和平社区老旧小区加装电梯" in listing and "Follow-ups left unanswered" in listing
    client.post(f"/official/projects/{project.id}/escalate", data={
        f"e{project.id}-grounds": "unanswered", f"e{project.id}-note": "请于一周内答复代表。"})
    escalation = db.scalar(select(Escalation))
    assert (escalation.grounds, escalation.note, escalation.raised_by_id) == (
        "unanswered", "请于一周内答复代表。", official.id)
    twice = client.post(f"/official/projects/{project.id}/escalate", data={
        f"e{project.id}-grounds": "unanswered", f"e{project.id}-note": "再次督办"},
        follow_redirects=True)
    assert "still awaiting its answer" in twice.text
    with pytest.raises(DomainError, match="own_project"):
        supervision.escalate(db, unit_official, project, "unanswered", "自查",
                             today=date(2027, 8, 20))
    clock(date(2027, 9, 30))  # reports stopped on 07-25: due 08-24, now 37 days late
    listing = client.get("/official/supervision").text
    assert "Overdue beyond the threshold: Progress report 37 days late" in listing
    assert "past the target date" not in listing  # the target, 10-31, is still ahead

    client.post("/account/logout")
    login(unit_official)
    manage = client.get(f"/official/projects/{project.id}").text
    assert "请于一周内答复代表。" in manage
    client.post(f"/official/escalations/{escalation.id}/answer",
                data={f"e{escalation.id}-answer": "已答复代表并整改。"})
    db.expire_all()
    assert escalation.answer == "已答复代表并整改。" and escalation.answered_at is not None
    client.post("/account/logout")
    public = client.get(f"/projects/{project.id}").text
    assert "请于一周内答复代表。" in public and "已答复代表并整改。" in public
    assert supervision.open_escalations(db, project.id) == []


def test_a_resident_or_delegate_cannot_see_the_supervision_list(client, login, make_user):
    for role in (Role.RESIDENT, Role.DELEGATE):
        login(make_user(role))
        assert client.get("/official/supervision").status_code == 403
        client.post("/account/logout")


@pytest.fixture
def second_project(db, adopted, official, other_official):
    """Another unit's project in the same cycle (区教委), to be refused in our unit's CSV."""
    cycle_id = adopted.candidate.cycle_id
    other = Candidate(cycle_id=cycle_id, title="学校操场改造", description="说明",
                      responsible_unit="区教委", estimated_cost=1_000_000,
                      funding_source="区级财政", expected_completion=date(2027, 10, 31),
                      location="黄河街道", created_by_id=official.id)
    db.add(other)
    db.flush()
    made = Project(cycle_id=cycle_id, candidate_id=other.id, title=other.title,
                   responsible_unit="区教委", lead_official_id=other_official.id,
                   category="education", location=other.location, budget=1_000_000,
                   start_date=date(2027, 7, 1), target_date=date(2027, 10, 31),
                   created_by_id=official.id)
    db.add(made)
    db.commit()
    return made


def upload(client, text: str):
    return client.post("/official/projects/update", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(text.encode("utf-8")), "update.csv")})


def test_a_csv_with_bad_rows_applies_nothing_and_reports_each_row(
    client, db, login, unit_official, project, second_project, clock
):
    login(unit_official)
    client.get("/lang/en")
    bad = upload(client, "项目编号,日期,进度,里程碑,累计支出,说明\n"
                         f"{project.id},2027-07-30,,1,600000,设计完成\n"
                         f"{second_project.id},2027-07-30,,1,,别人的项目\n"
                         "999,2027-07-30,,,,没有这个项目\n"
                         f"{project.id},2027-08-05,,,,未来的日期\n")
    assert "Nothing was applied: 4 problems found" in bad.text
    assert "is not one of your unit" in bad.text and "There is no project number 999." in bad.text
    assert "The same as row 2." in bad.text
    assert db.scalar(select(ProgressReport)) is None
    db.expire_all()
    assert project.milestones[0].done_on is None

    good = upload(client, "项目编号,日期,进度,里程碑,累计支出,说明\n"
                          f"{project.id},2027-07-30,,完成设计和招标,600000,设计完成\n")
    assert good.headers["Location"] == "/official/projects"
    saved = db.scalar(select(ProgressReport))
    assert (saved.body, saved.spend_to_date, saved.progress_after) == ("设计完成", 600_000, 25)
    db.expire_all()
    assert project.milestones[0].done_on == date(2027, 7, 30)
    template = client.get("/official/projects/update-template.csv")
    assert template.data.startswith(b"\xef\xbb\xbf") and "项目编号" in template.data.decode()


def test_a_refusal_while_applying_rolls_the_whole_file_back(db, unit_official, project, clock):
    rows = [type("Row", (), {"row": 2, "project_id": project.id, "reported_on": date(2027, 7, 30),
                             "percent": None, "milestone_id": None, "spend_to_date": 100,
                             "note": "一"})(),
            type("Row", (), {"row": 3, "project_id": project.id, "reported_on": date(2027, 7, 31),
                             "percent": None, "milestone_id": None, "spend_to_date": 50,
                             "note": "二"})()]
    with pytest.raises(DomainError) as refused:
        implementation.bulk_update(db, unit_official, rows, date(2027, 8, 1))
    assert refused.value.code == "spend_decreased" and refused.value.params["row"] == 3
    db.rollback()
    assert db.scalar(select(ProgressReport)) is None
    assert db.scalar(select(Project.id)) == project.id


def test_the_escalation_thresholds_are_the_installations_to_set(
    app, client, db, login, official, delegate_seat, unit_official, project, clock
):
    implementation.report_progress(db, unit_official, project, reported_on=date(2027, 7, 25),
                                   today=date(2027, 7, 25), body="开工。")
    inspect(db, delegate_seat, project, day=date(2027, 8, 1))  # no due date on the request
    login(official)
    client.get("/lang/en")
    clock(date(2027, 8, 10))  # 9 days after the inspection
    assert "No project needs supervision today." in client.get("/official/supervision").text
    app.config["FOLLOW_UP_ANSWER_DAYS"] = 7  # this district answers delegates within a week
    assert "Follow-ups left unanswered" in client.get("/official/supervision").text


def test_thresholds_come_from_the_environment_and_must_be_whole_days(tmp_path):
    from app.config import ConfigError, load_config

    config = load_config({"YISHI_ESCALATION_OVERDUE_DAYS": "45"}, instance=tmp_path)
    assert (config["ESCALATION_OVERDUE_DAYS"], config["FOLLOW_UP_ANSWER_DAYS"]) == (45, 15)
    with pytest.raises(ConfigError, match="YISHI_FOLLOW_UP_ANSWER_DAYS"):
        load_config({"YISHI_FOLLOW_UP_ANSWER_DAYS": "0"}, instance=tmp_path)
