"""The supervision letter (督办函) of an escalation: for officials only, with the grounds as
they stood on the day it was raised."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from proposals.implementation import supervision
from tests.functional.documents.reading import is_a4, read_pdf
from votes.people import Role

RAISED = datetime(2027, 9, 15, 2, tzinfo=UTC)  # 10:00 in Beijing
NOTE = "请于10个工作日内书面说明进度滞后原因和追赶措施。"


@pytest.fixture
def escalated(db, clock, project, official, delegate_seat):
    """The project without a progress report since its start on July 1st (due July 31st),
    a delegate's follow-up due August 20th left unanswered; escalated on September 15th."""
    today = clock(date(2027, 9, 15))
    supervision.record_inspection(
        db, delegate_seat, project, inspected_on=date(2027, 8, 1), participants="孙代表",
        findings="现场尚未开工。", today=date(2027, 8, 1),
        follow_ups=[("请说明开工延误的原因。", date(2027, 8, 20))])
    escalation = supervision.escalate(db, official, project, "overdue", NOTE, today=today)
    escalation.raised_at = RAISED
    db.commit()
    return escalation


def test_the_letter_states_the_grounds_as_they_stood_that_day(client, login, official,
                                                             escalated):
    login(official)
    doc = read_pdf(client.get(f"/official/escalations/{escalated.id}/letter.pdf"))
    assert is_a4(doc)
    flat = doc.flat
    project = escalated.project
    assert flat.startswith("滨江区人民代表大会常务委员会滨人督〔2027〕1号")
    assert f"关于督促办理{project.title}的函" in flat
    assert f"区住建委：{project.title}是2027年度测试区民生实事项目之一" in flat
    assert "计划于2027年7月1日开工、2027年10月31日完成，预算350万元" in flat
    # Reports were due from July 31st: 46 days late on September 15th; not past the target.
    assert ("截至2027年9月15日，该项目最近一次报告的进度为0%，进度报告已逾期46天未报送，"
            "代表视察时提出的1项跟进事项逾期未答复") in flat
    assert "超过计划完成日期" not in flat
    assert "以“项目逾期”为由对该项目进行督办" in flat
    assert f"督办意见{NOTE}" in flat
    assert "逾期未答复的跟进事项（1）请说明开工延误的原因。" in flat
    assert f"联系人：{official.display_name}" in flat
    assert "特此函告。滨江区人民代表大会常务委员会2027年9月15日" in flat


def test_only_officials_and_admins_read_it(client, make_user, login, escalated):
    url = f"/official/escalations/{escalated.id}/letter.pdf"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]
    for role in (Role.RESIDENT, Role.DELEGATE):
        login(make_user(role))
        assert client.get(url).status_code == 403
        client.post("/account/logout")
    login(make_user(Role.ADMIN))
    assert client.get(url).status_code == 200
    assert client.get("/official/escalations/999999/letter.pdf").status_code == 404


def test_the_supervision_list_links_each_open_escalation_s_letter(client, login, official,
                                                                   escalated):
    login(official)
    link = f'href="/official/escalations/{escalated.id}/letter.pdf"'
    assert f"{link}>督办函（PDF）</a>" in client.get("/official/supervision").text
    chinese = read_pdf(client.get(f"/official/escalations/{escalated.id}/letter.pdf")).text
    client.get("/lang/en")
    page = client.get("/official/supervision").text
    assert f"{link}>Supervision letter (PDF, in Chinese)</a>" in page
    english = read_pdf(client.get(f"/official/escalations/{escalated.id}/letter.pdf")).text
    assert english == chinese  # the same Chinese document for an English reader
