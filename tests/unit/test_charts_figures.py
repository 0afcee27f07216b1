"""The charting layer's figures for plotly.js (bar, line, funnel, Gantt) and their JSON."""

from __future__ import annotations

import json
from datetime import date

import plotly.graph_objects as go
import pytest

from app.charts import bar_chart, figure_json, funnel_chart, gantt_chart, line_chart, plain
from tests.unit.chart_samples import EVIL, GANTT_ROWS


def assert_valid_for_plotly(figure: dict) -> None:
    """plotly's own validator accepts every trace and layout property we send."""
    go.Figure(data=figure["data"], layout=figure["layout"])


# --- figures -------------------------------------------------------------------------------

def test_bar_chart_keeps_labels_values_and_order():
    fig = bar_chart(["教育", "医疗卫生", "养老服务"], [12, 9, 15], title="按类别",
                    x_title="类别", y_title="建议数")
    assert set(fig) == {"data", "layout", "config"}
    (bar,) = fig["data"]
    assert bar["type"] == "bar" and bar["orientation"] == "v"
    assert bar["x"] == ["教育", "医疗卫生", "养老服务"]
    assert bar["y"] == [12, 9, 15]
    assert fig["layout"]["title"]["text"] == "按类别"
    assert fig["layout"]["xaxis"]["title"]["text"] == "类别"
    assert fig["layout"]["yaxis"]["title"]["text"] == "建议数"
    assert fig["layout"]["xaxis"]["type"] == "category"
    assert "shapes" not in fig["layout"]
    assert_valid_for_plotly(fig)


def test_horizontal_bar_chart_puts_the_first_label_on_top():
    fig = bar_chart(["a", "b"], [1, 2], title="t", horizontal=True)
    (bar,) = fig["data"]
    assert bar["orientation"] == "h"
    assert bar["y"] == ["a", "b"] and bar["x"] == [1, 2]
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"
    assert_valid_for_plotly(fig)


def test_horizontal_bar_chart_grows_with_its_rows():
    few = bar_chart(["a"] * 3, [1] * 3, title="t", horizontal=True)
    many = bar_chart(["a"] * 20, [1] * 20, title="t", horizontal=True)
    assert many["layout"]["height"] > few["layout"]["height"]


def test_threshold_is_a_dashed_horizontal_line_with_its_label():
    fig = bar_chart(["加装电梯", "社区食堂"], [62.5, 48.0], title="票决结果",
                    threshold=50, threshold_label="过半数 50%")
    (line,) = fig["layout"]["shapes"]
    assert line["type"] == "line" and line["line"]["dash"] == "dash"
    assert (line["xref"], line["x0"], line["x1"]) == ("paper", 0, 1)
    assert (line["yref"], line["y0"], line["y1"]) == ("y", 50, 50)
    (note,) = fig["layout"]["annotations"]
    assert note["text"] == "过半数 50%" and note["y"] == 50 and note["yref"] == "y"
    assert_valid_for_plotly(fig)


def test_threshold_on_horizontal_bars_is_a_vertical_line():
    fig = bar_chart(["a", "b"], [3, 7], title="t", horizontal=True, threshold=5)
    (line,) = fig["layout"]["shapes"]
    assert (line["xref"], line["x0"], line["x1"]) == ("x", 5, 5)
    assert (line["yref"], line["y0"], line["y1"]) == ("paper", 0, 1)
    (note,) = fig["layout"]["annotations"]
    assert note["text"] == "5"  # no label given: the value itself
    assert_valid_for_plotly(fig)


def test_bar_chart_refuses_mismatched_or_non_numeric_values():
    with pytest.raises(ValueError):
        bar_chart(["a", "b"], [1], title="t")
    with pytest.raises(TypeError):
        bar_chart(["a"], ["1"], title="t")
    with pytest.raises(ValueError):
        bar_chart(["a"], [float("nan")], title="t")


def test_line_chart_draws_one_line_per_series():
    months = ["2024-01", "2024-02", "2024-03"]
    fig = line_chart(months, {"建议": [3, 5, 9]}, title="每月建议数", y_title="件")
    (trace,) = fig["data"]
    assert trace["type"] == "scatter" and trace["mode"] == "lines+markers"
    assert trace["x"] == months and trace["y"] == [3, 5, 9] and trace["name"] == "建议"
    assert fig["layout"]["xaxis"]["type"] == "category"  # months stay as written
    assert fig["layout"]["showlegend"] is False
    assert_valid_for_plotly(fig)

    two = line_chart(months, {"线上": [1, 2, 3], "热线": [2, 3, 6]}, title="t")
    assert [t["name"] for t in two["data"]] == ["线上", "热线"]
    assert two["layout"]["showlegend"] is True
    assert two["data"][0]["line"]["color"] != two["data"][1]["line"]["color"]
    with pytest.raises(ValueError):
        line_chart(months, {"a": [1, 2]}, title="t")


def test_funnel_chart():
    fig = funnel_chart(["提交", "入围", "通过"], [120, 20, 8], title="漏斗")
    (funnel,) = fig["data"]
    assert funnel["type"] == "funnel"
    assert funnel["y"] == ["提交", "入围", "通过"] and funnel["x"] == [120, 20, 8]
    assert_valid_for_plotly(fig)


def test_gantt_chart_bars_start_at_their_dates_and_show_progress():
    fig = gantt_chart(GANTT_ROWS, title="实施进度", planned_label="计划", done_label="已完成")
    planned, done = fig["data"]
    for trace in (planned, done):
        assert trace["type"] == "bar" and trace["orientation"] == "h"
        assert trace["y"] == ["加装电梯", "社区食堂"]
        assert trace["base"] == ["2024-03-01", "2024-05-01"]
    day = 86_400_000
    assert planned["x"] == [31 * day, 1 * day]  # both ends included
    assert done["x"] == [round(31 * day * 0.6), 0]
    assert done["text"] == ["60%", "0%"]
    assert fig["layout"]["barmode"] == "overlay"
    assert fig["layout"]["xaxis"]["type"] == "date"
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"
    assert "shapes" not in fig["layout"]
    assert_valid_for_plotly(fig)


def test_gantt_chart_today_line():
    fig = gantt_chart(GANTT_ROWS, title="t", today=date(2024, 4, 15), today_label="今天")
    (line,) = fig["layout"]["shapes"]
    assert line["x0"] == line["x1"] == "2024-04-15"
    assert (line["yref"], line["y0"], line["y1"]) == ("paper", 0, 1)
    assert line["line"]["dash"] == "dot" and line["name"] == "今天"
    assert fig["layout"]["showlegend"] is True
    assert [t["showlegend"] for t in fig["data"]] == [False, False]  # unnamed bars
    assert_valid_for_plotly(fig)


def test_gantt_chart_refuses_a_row_that_ends_before_it_starts():
    with pytest.raises(ValueError):
        gantt_chart([{"name": "x", "start": date(2024, 2, 1), "end": date(2024, 1, 1),
                      "progress": 0}], title="t")


@pytest.mark.parametrize("make", [
    lambda: bar_chart(["a", "b"], [1, 2], title="t", threshold=1.5, threshold_label="x"),
    lambda: line_chart(["m1", "m2"], {"s": [1, 2]}, title="t"),
    lambda: funnel_chart(["a", "b"], [2, 1], title="t"),
    lambda: gantt_chart(GANTT_ROWS, title="t", today=date(2024, 4, 1)),
])
def test_every_figure_shares_the_layout_and_config(make):
    fig = make()
    layout = fig["layout"]
    assert layout["autosize"] is True
    assert all(font in layout["font"]["family"]
               for font in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "sans-serif"))
    assert set(layout["margin"]) >= {"l", "r", "t", "b"}
    assert fig["config"]["displaylogo"] is False and fig["config"]["responsive"] is True
    # Deterministic: the same input gives the same bytes, and JSON needs no help.
    assert figure_json(make()) == figure_json(fig)
    assert json.loads(json.dumps(fig)) == fig


def test_config_is_a_copy_per_figure():
    fig = bar_chart(["a"], [1], title="t")
    fig["config"]["modeBarButtonsToRemove"].append("toImage")
    assert "toImage" not in bar_chart(["a"], [1], title="t")["config"]["modeBarButtonsToRemove"]


def test_lazy_translations_become_text():
    class LazyString:  # stands in for flask_babel's, which str() resolves
        def __str__(self):
            return "按类别"

    fig = bar_chart(["a"], [1], title=LazyString())
    assert fig["layout"]["title"]["text"] == "按类别"


def test_labels_are_shown_literally_by_plotly():
    assert plain("<b>粗体</b> & co") == "&lt;b&gt;粗体&lt;/b&gt; &amp; co"
    fig = bar_chart(["<a href='x'>点</a>"], [1], title="<br>")
    assert fig["data"][0]["x"] == ["&lt;a href='x'&gt;点&lt;/a&gt;"]
    assert fig["layout"]["title"]["text"] == "&lt;br&gt;"


# --- figure_json ---------------------------------------------------------------------------

def test_figure_json_cannot_close_its_script_element():
    fig = bar_chart([EVIL, "a&b", "x\u2028y"], [1, 2, 3], title=EVIL, threshold=1,
                    threshold_label="<!--")
    text = figure_json(fig)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "</script" not in text.lower() and "<!--" not in text
    assert "\u2028" not in text
    assert json.loads(text) == fig


def test_figure_json_is_compact_and_keeps_chinese():
    text = figure_json({"data": [{"x": ["教育"], "y": [1]}]})
    assert text == '{"data":[{"x":["教育"],"y":[1]}]}'


def test_figure_json_writes_dates_and_refuses_nan():
    assert json.loads(figure_json({"d": date(2024, 1, 2)})) == {"d": "2024-01-02"}
    with pytest.raises(ValueError):
        figure_json({"v": float("nan")})
    with pytest.raises(TypeError):
        figure_json({"v": object()})
