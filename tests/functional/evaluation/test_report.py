"""The public cycle report: charts whose data, tables and downloads carry the same numbers."""

import csv
import io
import json
import re
from html import unescape

import pytest

from proposals.evaluation import rounds as evaluation
from tests.functional.builders import CLOSE_DAY, rate_all


def figure(page: str, chart_id: str) -> dict:
    block = re.search(rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>',
                      page, re.S)
    assert block, f"no data block for {chart_id}"
    return json.loads(block.group(1))


def table(page: str, chart_id: str) -> list[list[str]]:
    body = re.search(rf'<table class="chart-data" id="{chart_id}-table">(.*?)</table>',
                     page, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S)
    return [[unescape(cell.strip()) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row,
                                                           re.S)] for row in rows]


@pytest.fixture
def rated(db, completed, residents, delegate_seat, official, counted_ballot):
    """Residents 5 of 6 content (83.3%), the one delegate dissatisfied (0%); round closed."""
    levels = ["satisfied"] * 3 + ["basically_satisfied"] * 2 + ["dissatisfied"]
    rate_all(db, completed, residents(6), levels, comment="只给官员看的意见")
    rate_all(db, completed, [delegate_seat], ["dissatisfied"])
    evaluation.close_round(db, official, completed, today=CLOSE_DAY)
    db.commit()
    return completed


def test_the_report_charts_each_step_with_the_same_numbers_in_its_table(client, cycle, rated):
    client.get("/lang/en")
    page = client.get(f"/cycles/{cycle.id}/report").text
    assert 'src="/static/vendor/plotly.min.js"' in page and "cdn" not in page.lower()
    assert "<script>" not in page  # no inline script: the CSP forbids it

    funnel = figure(page, "chart-funnel")["data"][0]
    assert funnel["type"] == "funnel" and funnel["x"] == [2, 1, 1, 1, 1]
    assert [[r[0], int(r[1])] for r in table(page, "chart-funnel")] == [
        ["Proposals received", 2], ["Candidate projects", 1], ["Adopted by the ballot", 1],
        ["Completed", 1], ["Rated", 1]]

    residents = figure(page, "chart-satisfaction-resident")
    assert residents["data"][0]["x"] == [83.3] and residents["data"][0]["y"] == [rated.title]
    assert residents["layout"]["shapes"][0]["x0"] == 80  # the bar
    assert table(page, "chart-satisfaction-resident") == [
        [rated.title, "3", "2", "1", "6", "83.3"]]
    assert figure(page, "chart-satisfaction-delegate")["data"][0]["x"] == [0.0]
    assert table(page, "chart-satisfaction-delegate")[0][-1] == "0.0"

    categories = figure(page, "chart-categories")["data"][0]
    assert categories["x"] == [71.4]  # 5 of all 7 ratings
    assert table(page, "chart-categories")[0][1:] == ["1", "3", "2", "2", "7", "71.4"]

    progress = figure(page, "chart-progress")["data"][0]
    assert progress["x"] == [100] and table(page, "chart-progress")[0][-1] == "100"

    ballot = [key for key in re.findall(r'id="(chart-ballot-\d+)"', page)][0]
    assert figure(page, ballot)["data"][0]["x"] == [1]  # horizontal bars: yes votes along x
    assert table(page, ballot)[0][1:4] == ["1", "0", "0"]
    assert "Below the bar: rectification" in page
    assert "只给官员看的意见" not in page  # comments are never published


@pytest.mark.parametrize("dataset", ["funnel", "ballots", "projects", "satisfaction",
                                     "categories"])
def test_every_chart_can_be_downloaded_as_csv_and_json(client, cycle, rated, dataset):
    url = f"/cycles/{cycle.id}/report/{dataset}"
    as_csv = client.get(url + ".csv")
    assert as_csv.mimetype == "text/csv" and "attachment" in as_csv.headers[
        "Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.data.decode("utf-8-sig"))))
    as_json = json.loads(client.get(url + ".json").data)
    assert as_json["dataset"] == dataset and as_json["cycle_id"] == cycle.id
    assert len(rows) == len(as_json["rows"]) > 0
    assert list(rows[0]) == as_json["fields"]
    if dataset == "satisfaction":
        row = as_json["rows"][0]
        assert (row["resident_satisfied"], row["resident_basically_satisfied"],
                row["resident_dissatisfied"], row["resident_rate_percent"],
                row["delegate_rate_percent"], row["state"]) == (3, 2, 1, 83.3, 0.0, "below_bar")
        assert rows[0]["resident_rate_percent"] == "83.3" and rows[0]["below_bar"] == "true"
    assert "只给官员看的意见" not in as_csv.data.decode("utf-8-sig")


def test_unknown_datasets_and_formats_are_not_found(client, cycle):
    assert client.get(f"/cycles/{cycle.id}/report/secrets.csv").status_code == 404
    assert client.get(f"/cycles/{cycle.id}/report/funnel.xml").status_code == 404
    assert client.get("/cycles/999/report").status_code == 404


def test_a_cycle_without_ratings_still_has_its_report(client, cycle):
    client.get("/lang/en")
    page = client.get(f"/cycles/{cycle.id}/report").text
    assert "No project of this cycle has been rated yet." in page
    assert figure(page, "chart-funnel")["data"][0]["x"] == [0, 0, 0, 0, 0]


def test_the_project_evaluation_page_shows_counts_and_rates_per_group(client, rated):
    client.get("/lang/en")
    page = client.get(f"/projects/{rated.id}/evaluation").text
    assert "Round 1" in page and "83.3%" in page and "0.0%" in page
    assert "Under rectification" in page and "只给官员看的意见" not in page
