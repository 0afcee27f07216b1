"""Long category names stand above their bars, so a phone keeps the width for the bars."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from app.charts import LABEL_MAX, _text_width, bar_chart, gantt_chart

PROJECTS = ["珠江街道社区卫生服务中心增设儿科门诊", "光明社区电动自行车集中充电棚",
            "新华社区便民服务驿站"]


def names_above(fig: dict) -> list[dict]:
    return [a for a in fig["layout"].get("annotations", []) if a.get("yref") == "y"]


def test_long_labels_go_above_their_bars_and_the_axis_drops_them():
    fig = bar_chart(PROJECTS, [44, 47, 38], title="赞成票", horizontal=True)
    (bar,) = fig["data"]
    assert bar["y"] == PROJECTS  # hover still names each bar in full
    assert fig["layout"]["yaxis"]["showticklabels"] is False
    labels = names_above(fig)
    assert [a["text"] for a in labels] == PROJECTS
    assert [a["y"] for a in labels] == PROJECTS  # one per row, on its own bar
    assert all(a["xref"] == "paper" and a["x"] == 0 and a["xanchor"] == "left"
               and a["yshift"] > 0 for a in labels)
    # Each bar is thinner than its row, leaving the room above it to its name.
    assert 0 < bar["width"] < 0.5
    go.Figure(data=fig["data"], layout=fig["layout"])


def test_short_labels_stay_beside_their_bars():
    fig = bar_chart(["教育", "养老服务"], [12, 9], title="按类别", horizontal=True)
    assert "showticklabels" not in fig["layout"]["yaxis"]
    assert names_above(fig) == [] and "width" not in fig["data"][0]


def test_rows_with_names_above_are_taller():
    beside = bar_chart(["短名"] * 10, [1] * 10, title="t", horizontal=True)
    above = bar_chart([f"{PROJECTS[0]}{i}" for i in range(10)], [1] * 10, title="t",
                      horizontal=True)
    assert above["layout"]["height"] - beside["layout"]["height"] >= 10 * 20


def test_a_name_too_long_for_a_phone_is_shortened_but_the_bar_keeps_it_whole():
    name = "和平社区" * 20
    fig = bar_chart([name], [3], title="t", horizontal=True)
    (label,) = names_above(fig)
    assert label["text"].endswith("…") and _text_width(label["text"]) <= LABEL_MAX
    assert name.startswith(label["text"][:-1])
    assert fig["data"][0]["y"] == [name]


def test_the_threshold_note_stays_with_names_above():
    fig = bar_chart(PROJECTS, [44, 47, 38], title="t", horizontal=True, threshold=31,
                    threshold_label="通过所需：31 票")
    annotations = fig["layout"]["annotations"]
    assert len(annotations) == 4 and annotations[-1]["text"] == "通过所需：31 票"
    (line,) = fig["layout"]["shapes"]
    assert line["x0"] == 31


def test_gantt_names_projects_above_their_bars_one_row_each():
    rows = [{"name": name, "start": date(2026, 1, 12), "end": date(2026, 11, 1),
             "progress": 40} for name in PROJECTS]
    fig = gantt_chart(rows, title="计划与进度", today=date(2026, 12, 1), today_label="今天",
                      planned_label="计划", done_label="已完成")
    assert [a["text"] for a in names_above(fig)] == PROJECTS
    assert fig["layout"]["yaxis"]["showticklabels"] is False
    assert all(trace["width"] < 0.5 for trace in fig["data"])
    assert fig["layout"]["height"] >= 3 * 50
    assert fig["layout"]["shapes"][0]["name"] == "今天"
    go.Figure(data=fig["data"], layout=fig["layout"])
