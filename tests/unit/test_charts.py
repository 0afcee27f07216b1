"""The charting layer: figures for plotly.js, their safe embedding, and the table beside them."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import plotly
import plotly.graph_objects as go
import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app import charts
from app.charts import bar_chart, figure_json, funnel_chart, gantt_chart, line_chart, plain

ROOT = Path(__file__).resolve().parents[2]
EVIL = "</script><script>alert(1)</script>"
# The bundle setup.sh vendors: the one in the pinned plotly package.
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


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


GANTT_ROWS = [
    {"name": "加装电梯", "start": date(2024, 3, 1), "end": date(2024, 3, 31), "progress": 60},
    {"name": "社区食堂", "start": date(2024, 5, 1), "end": date(2024, 5, 1), "progress": 0},
]


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


# --- the macro -----------------------------------------------------------------------------

class Page(HTMLParser):
    """Collects the chart divs, JSON data blocks, tables and script/link tags of a page."""

    def __init__(self):
        super().__init__()
        self.charts, self.data, self.scripts, self.links, self.templates = [], {}, [], [], []
        self.captions, self.headers, self.rows = [], [], []
        self._in, self._block, self._cell, self._row = None, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "chart" in (attrs.get("class") or "").split():
            self.charts.append(attrs)
        elif tag == "script":
            self.scripts.append(attrs)
            if attrs.get("type") == "application/json":
                self._block, self.data[attrs["id"]] = attrs["id"], ""
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "template":
            self.templates.append(attrs)
        elif tag == "caption":
            self._in, self._cell = "caption", ""
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._in, self._cell = tag, ""
            self._cell_attrs = attrs

    def handle_endtag(self, tag):
        if tag == "script":
            self._block = None
        elif tag == "caption":
            self.captions.append(self._cell)
            self._in = None
        elif tag in ("th", "td"):
            self._row.append((self._cell, self._cell_attrs))
            self._in = None
        elif tag == "tr":
            row, self._row = self._row, None
            if all(a.get("scope") == "col" for _, a in row):
                self.headers.append(row)
            else:
                self.rows.append(row)

    def handle_data(self, data):
        if self._block:
            self.data[self._block] += data
        elif self._in:
            self._cell += data


@pytest.fixture
def env():
    environment = Environment(loader=FileSystemLoader(ROOT / "templates"),
                              autoescape=select_autoescape(["html"]))
    environment.globals["figure_json"] = figure_json
    environment.globals["url_for"] = lambda endpoint, filename: f"/static/{filename}"
    return environment


def render(env, source: str, **context) -> str:
    return env.from_string('{% from "_charts.html" import chart, chart_scripts %}' + source
                           ).render(**context)


def test_macro_shows_the_figures_numbers_in_a_table(env):
    rows = [("教育", 12), ("医疗卫生", 9), (EVIL, 3)]
    fig = bar_chart([r[0] for r in rows], [r[1] for r in rows], title="按类别",
                    horizontal=True)
    html = render(env, "{{ chart('c-cat', fig, '按类别统计', ['类别', '建议数'], rows) }}",
                  fig=fig, rows=rows)
    page = Page()
    page.feed(html)

    (div,) = page.charts
    assert div["id"] == "c-cat" and div["data-figure"] == "c-cat-data"
    assert div["role"] == "img" and div["aria-label"] == "按类别统计"
    # One data block, which parses back to the figure; the evil label opened no script.
    assert [s.get("type") for s in page.scripts] == ["application/json"]
    assert json.loads(page.data["c-cat-data"]) == fig
    assert html.count("<script") == 1 and "alert(1)</script>" not in html

    assert page.captions == ["按类别统计"]
    (header,) = page.headers
    assert [text for text, _ in header] == ["类别", "建议数"]
    assert header[1][1].get("class") == "num"
    table = [[text for text, _ in row] for row in page.rows]
    assert table == [[label, str(n)] for label, n in rows]
    assert all(row[0][1].get("scope") == "row" for row in page.rows)
    assert all(row[1][1].get("class") == "num" for row in page.rows)
    # The same numbers as the chart draws, in the same order.
    shown = fig["data"][0]
    assert [int(row[1]) for row in table] == shown["x"]
    assert [plain(row[0]) for row in table] == shown["y"]
    assert 'class="chart-table"' in html


def test_macro_table_for_a_line_chart_and_a_wider_table(env):
    months = [("2024-01", 3), ("2024-02", 5)]
    fig = line_chart([m for m, _ in months], {"建议": [n for _, n in months]}, title="t")
    page = Page()
    page.feed(render(env, "{{ chart('m', fig, '每月', ['月份', '建议数'], rows) }}",
                     fig=fig, rows=months))
    assert [[c for c, _ in row] for row in page.rows] == [["2024-01", "3"], ["2024-02", "5"]]
    assert json.loads(page.data["m-data"])["data"][0]["y"] == [3, 5]

    gantt = [("加装电梯", "2024-03-01", "2024-03-31", 60)]
    page = Page()
    page.feed(render(env, "{{ chart('g', fig, '进度', ['项目', '开始', '结束', '进度'], rows) }}",
                     fig=gantt_chart(GANTT_ROWS[:1], title="t"), rows=gantt))
    ((name, _), (start, s_attrs), _, (progress, p_attrs)) = page.rows[0]
    assert (name, start, progress) == ("加装电梯", "2024-03-01", "60")
    assert "class" not in s_attrs and p_attrs["class"] == "num"


def test_chart_scripts_loads_styles_then_plotly_then_charts_js(env):
    html = render(env, "{{ chart_scripts() }}")
    page = Page()
    page.feed(html)
    assert [s["src"] for s in page.scripts] == ["/static/vendor/plotly.min.js",
                                                "/static/js/charts.js"]
    assert all("defer" in s for s in page.scripts)
    (link,) = page.links
    assert link["rel"] == "stylesheet" and link["href"] == "/static/css/charts.css"
    assert html.index("charts.css") < html.index("plotly.min.js")
    assert "style=" not in html
    for name in ("css/charts.css", "js/charts.js"):
        assert (ROOT / "static" / name).is_file()


# --- plotly.js under the CSP (style-src 'self') --------------------------------------------

@pytest.fixture(scope="module")
def bundle() -> str:
    if not PLOTLY_JS.is_file():
        pytest.skip("the plotly package ships no plotly.min.js")
    return PLOTLY_JS.read_text(encoding="utf-8")


def test_plotly_style_injection_is_switched_off_by_our_link(env, bundle):
    """plotly.js skips its <style> when #plotly.js-style-global matches .no-inline-styles."""
    assert '"plotly.js-style-"' in bundle and 'matches(".no-inline-styles")' in bundle
    page = Page()
    page.feed(render(env, "{{ chart_scripts() }}"))
    (link,) = page.links
    assert link["id"] == "plotly.js-style-global"
    assert "no-inline-styles" in link["class"].split()


def test_the_only_other_style_plotly_adds_is_skipped_too(env, bundle):
    """maplibre's map styles come with their own id check; an element with that id skips them."""
    assert bundle.count('createElement("style")') == 2
    ids = re.findall(r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement'
                     r'\("style"\)', bundle)
    assert len(ids) == 1
    page = Page()
    page.feed(render(env, "{{ chart_scripts() }}"))
    assert [t["id"] for t in page.templates] == ids


def plotly_rules(bundle: str) -> list[str]:
    """The rules plotly.js would inject, as "selector { declarations }" in the browser's order."""
    start = bundle.index('{"X,X div":')
    end = bundle.index("};for(", start) + 1
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[{}:,]|\w+',
                        bundle[start:end])
    items, key, expect_key = [], None, True
    for token in tokens:
        if token in "{}":
            continue
        if token in ",:":
            expect_key = token == ","
            continue
        value = token[1:-1] if token[0] in "\"'" else token
        if expect_key:
            key = value
        else:
            items.append((key, value))
    rules = []
    for key, value in reversed(items):  # each rule is inserted at index 0
        selector = (re.sub(r"^,", " ,", key).replace("X", ".js-plotly-plot .plotly")
                    .replace("Y", ".plotly-notifier").replace(",", ", "))
        rules.append(f"{selector} {{ {value} }}")
    return rules


def test_charts_css_holds_plotlys_rules_in_order(bundle):
    css = (ROOT / "static" / "css" / "charts.css").read_text(encoding="utf-8")
    block = css.split("/* plotly-rules:begin */\n", 1)[1].split("/* plotly-rules:end */", 1)[0]
    expected = plotly_rules(bundle)
    assert len(expected) > 50
    assert block.splitlines() == expected


def test_charts_js_adds_no_inline_style():
    script = (ROOT / "static" / "js" / "charts.js").read_text(encoding="utf-8")
    assert "Plotly.newPlot(div, figure.data, figure.layout, figure.config)" in script
    assert "chart-unavailable" in script
    assert not re.search(r"\.style\b|setAttribute\(\s*[\"']style|innerHTML|eval\(", script)


def test_module_is_free_of_flask():
    source = (ROOT / "app" / "charts.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import) (flask|werkzeug)", source, re.M)
    assert charts.CONFIG["displaylogo"] is False
