"""The chart macro's page: the table beside each figure, and plotly.js under the CSP."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import plotly
import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app import charts
from app.charts import bar_chart, figure_json, gantt_chart, line_chart, plain
from tests.unit.chart_samples import EVIL, GANTT_ROWS

ROOT = Path(__file__).resolve().parents[2]
# The bundle setup.sh vendors: the one in the pinned plotly package.
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


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


def test_a_wide_chart_table_names_each_cell_for_a_phone(env):
    """Over two columns the table folds on a phone (.stack): each cell carries its heading."""
    rows = [("加装电梯", "区住建委", 60)]
    wide = render(env, "{{ chart('g', fig, '进度', ['项目', '责任单位', '进度'], rows) }}",
                  fig=gantt_chart(GANTT_ROWS[:1], title="t"), rows=rows)
    assert 'class="chart-table stack"' in wide
    assert ('<th scope="row">加装电梯</th><td data-label="责任单位">区住建委</td>'
            '<td class="num" data-label="进度">60</td>') in wide
    narrow = render(env, "{{ chart('c', fig, '按类别', ['类别', '建议数'], rows) }}",
                    fig=bar_chart(["教育"], [3], title="t"), rows=[("教育", 3)])
    assert 'class="chart-table"' in narrow and "data-label" not in narrow
