"""A cycle's evaluation notice (测评通报): each project's satisfaction as published when its
round closed, and nothing before a round has closed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from proposals.evaluation import rounds as evaluation
from tests.functional.builders import CLOSE_DAY, rate_all
from tests.functional.documents.reading import is_a4, read_pdf


@pytest.fixture
def rated(db, completed, residents, delegate_seat, evaluator):
    """Residents 5 of 6 content (83.3%), the one delegate dissatisfied (0%): below the bar."""
    levels = ["satisfied"] * 3 + ["basically_satisfied"] * 2 + ["dissatisfied"]
    rate_all(db, completed, residents(6), levels)
    rate_all(db, completed, [delegate_seat], ["dissatisfied"])
    return completed


def close(db, evaluator, project, at=datetime(2027, 10, 1, 2, tzinfo=UTC)):
    evaluation.close_round(db, evaluator, project, today=CLOSE_DAY)
    evaluation.latest_round(db, project.id).closed_at = at  # the notice's date is read here
    db.commit()


def test_the_notice_carries_each_group_s_published_rate(client, db, cycle, rated, evaluator):
    close(db, evaluator, rated)
    doc = read_pdf(client.get(f"/cycles/{cycle.id}/evaluation-notice.pdf"))
    assert is_a4(doc)
    flat = doc.flat  # a long title wraps in its cell: read the row without the breaks
    assert (f"序号项目名称责任单位轮次代表满意率居民满意率结论"
            f"1{rated.title}区住建委第1轮0.0%（1人）83.3%（6人）整改") in flat
    assert flat.startswith("滨江区人民代表大会常务委员会滨人通〔2027〕1号")
    assert f"关于{cycle.title}满意度测评结果的通报" in flat
    assert "任一群体的满意率低于80%的项目" in flat
    assert "1个项目中，1个项目需要整改" in flat
    assert f"{rated.title}的满意率低于80%" in flat
    assert "特此通报。滨江区人民代表大会常务委员会2027年10月1日" in flat


def test_its_rates_are_the_report_s(client, db, cycle, rated, evaluator):
    """The same numbers as the public report's satisfaction data (its JSON download)."""
    close(db, evaluator, rated)
    published = client.get(f"/cycles/{cycle.id}/report/satisfaction.json").get_json()["rows"]
    assert len(published) == 1
    row = published[0]
    flat = read_pdf(client.get(f"/cycles/{cycle.id}/evaluation-notice.pdf")).flat
    for kind in ("delegate", "resident"):
        assert f"{row[kind + '_rate_percent']:.1f}%（{row[kind + '_total']}人）" in flat
    assert (row["delegate_rate_percent"], row["resident_rate_percent"]) == (0.0, 83.3)


def test_nothing_before_a_round_has_closed(client, db, cycle, rated):
    assert client.get(f"/cycles/{cycle.id}/evaluation-notice.pdf").status_code == 404
    assert "evaluation-notice.pdf" not in client.get(f"/cycles/{cycle.id}/report").text
    assert client.get("/cycles/999999/evaluation-notice.pdf").status_code == 404


def test_the_report_links_the_notice_in_both_languages(client, db, cycle, rated, evaluator):
    close(db, evaluator, rated)
    link = f'href="/cycles/{cycle.id}/evaluation-notice.pdf"'
    assert f"{link}>测评通报（PDF）</a>" in client.get(f"/cycles/{cycle.id}/report").text
    chinese = read_pdf(client.get(f"/cycles/{cycle.id}/evaluation-notice.pdf")).text
    client.get("/lang/en")
    page = client.get(f"/cycles/{cycle.id}/report").text
    assert f"{link}>Evaluation notice (PDF, in Chinese)</a>" in page
    assert read_pdf(client.get(f"/cycles/{cycle.id}/evaluation-notice.pdf")).text == chinese


def test_a_second_round_re_issues_the_notice_under_a_later_number(
        client, db, cycle, rated, evaluator, unit_official, residents):
    close(db, evaluator, rated)
    first = read_pdf(client.get(f"/cycles/{cycle.id}/evaluation-notice.pdf")).flat
    assert "滨人通〔2027〕1号" in first
    evaluation.file_rectification(db, unit_official, rated, "已整改：增加了照明。")
    round_two = evaluation.open_round(db, evaluator, rated)
    assert round_two.round_no == 2
    rate_all(db, rated, residents(4, prefix="复评居民"), ["satisfied"] * 4)
    round_two.opened_at = datetime(2027, 9, 1, tzinfo=UTC)
    db.commit()
    close(db, evaluator, rated, at=datetime(2027, 11, 20, 2, tzinfo=UTC))
    second = read_pdf(client.get(f"/cycles/{cycle.id}/evaluation-notice.pdf")).flat
    assert f"1{rated.title}区住建委第2轮—（0人）100.0%（4人）达标" in second
    assert "滨人通〔2027〕2号" in second and "委员会2027年11月20日" in second
