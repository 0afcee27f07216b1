"""Spend to date is bounded: never above COST_MAX, above the budget only when confirmed."""

import io
from datetime import date

from sqlalchemy import select

from proposals.implementation import services as implementation
from proposals.implementation.models import ProgressReport
from proposals.shortlist.services import COST_MAX
from tests.functional.builders import refused

DAY = date(2027, 8, 1)
BUDGET = 3_500_000  # the adopted candidate's estimated cost, which the project keeps


def report(db, who, project, spend, **extra):
    return implementation.report_progress(db, who, project, reported_on=DAY, today=DAY,
                                          body="进度报告", spend_to_date=spend, **extra)


def test_spending_above_the_budget_needs_the_officials_confirmation(db, unit_official, project):
    assert project.budget == BUDGET
    error = refused("spend_over_budget", report, db, unit_official, project, 10**12)
    assert error.params == {"field": "spend_to_date", "budget": BUDGET}
    refused("spend_over_budget", report, db, unit_official, project, BUDGET + 1)
    assert db.scalar(select(ProgressReport)) is None
    assert report(db, unit_official, project, BUDGET).spend_to_date == BUDGET  # up to it: fine
    overrun = report(db, unit_official, project, 3_800_000, confirm_over_budget=True)
    assert overrun.spend_to_date == 3_800_000


def test_nothing_above_cost_max_even_when_confirmed(db, unit_official, project):
    refused("bad_spend", report, db, unit_official, project, COST_MAX + 1,
            confirm_over_budget=True)


def test_the_report_form_asks_for_the_confirmation_and_keeps_what_was_typed(
        client, db, login, unit_official, project, clock):
    login(unit_official)
    client.get("/lang/en")
    url = f"/official/projects/{project.id}/report"
    assert "The spending exceeds the budget" not in client.get(url).text  # not needed yet
    typed = {"reported_on": "2027-08-01", "body": "设备进场。", "spend_to_date": "100000000",
             "milestone_id": "0"}
    answer = client.post(url, data=typed)
    assert answer.status_code == 200
    assert "This is more than the project&#39;s budget of ¥3,500,000" in answer.text
    assert "The spending exceeds the budget" in answer.text  # the box to tick is offered
    assert 'value="100000000"' in answer.text and "设备进场。" in answer.text
    assert db.scalar(select(ProgressReport)) is None

    confirmed = client.post(url, data=dict(typed, spend_to_date="380",
                                           confirm_over_budget="y"))
    assert confirmed.headers["Location"] == f"/projects/{project.id}#reports"
    assert db.scalar(select(ProgressReport.spend_to_date)) == 3_800_000
    # The last figure is over the budget, so the next report offers the box from the start.
    assert "The spending exceeds the budget" in client.get(url).text

    client.get("/lang/zh_Hans")
    answer = client.post(url, data=dict(typed, spend_to_date="4000000"))
    assert "超过项目预算 350 万元" in answer.text


def upload(client, text: str):
    return client.post("/official/projects/update", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(text.encode("utf-8")), "update.csv")})


def test_the_bulk_update_refuses_a_row_above_the_budget(
        client, db, login, unit_official, project, clock):
    login(unit_official)
    client.get("/lang/en")
    answer = upload(client, "项目编号,日期,进度,里程碑,累计支出,说明\n"
                            f"{project.id},2027-07-30,,1,1000000000000,设计完成\n")
    assert "Nothing was applied" in answer.text
    assert "More than the project&#39;s budget of ¥3,500,000" in answer.text
    assert db.scalar(select(ProgressReport)) is None


def test_applying_a_file_refuses_a_row_above_the_budget_and_names_it(
        db, unit_official, project):
    row = type("Row", (), {"row": 2, "project_id": project.id, "reported_on": DAY,
                           "percent": None, "milestone_id": None, "spend_to_date": BUDGET + 1,
                           "note": "超支"})()
    error = refused("spend_over_budget", implementation.bulk_update, db, unit_official, [row],
                    DAY)
    assert (error.params["row"], error.params["budget"]) == (2, BUDGET)
    db.rollback()
    assert db.scalar(select(ProgressReport)) is None
