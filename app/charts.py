"""Figures for plotly.js, built on the server as plain JSON-ready dicts.

Each function returns ``{"data": [...], "layout": {...}, "config": {...}}``, which
``static/js/charts.js`` hands to ``Plotly.newPlot(div, data, layout, config)``. Nothing
here needs Flask: every visible text (titles, axis titles, legend names) is passed in
already translated, so the module stays pure and its output is deterministic.

Text that plotly.js draws (tick labels, titles, hover) understands a little HTML
(``<b>``, ``<br>``, ``<a href>``) and decodes entities, so residents' words are escaped
with :func:`plain` and shown exactly as typed. The page repeats every number in an HTML
table (``templates/_charts.html``), which takes the raw labels.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

FONT_FAMILY = ('"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
               '"Source Han Sans SC", system-ui, sans-serif')
# Colour-blind-safe (Okabe–Ito), starting with a blue that reads well on white.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
           "#000000")
INK = "#1d232b"
MUTED = "#5b6470"
GRID = "#d9dee4"
THRESHOLD_COLOR = "#b3261e"
TODAY_COLOR = "#b3261e"
DONE_COLOR = "#1e6b3a"
PLANNED_COLOR = "#b7d7c2"

# No plotly logo; redraw on resize. The mode bar stays off: its one useful button, "Download
# plot as a PNG", loads a blob: image, which the CSP (img-src 'self' data:) refuses, and
# zooming is off anyway (fixedrange) so phones can scroll past a chart. Should the CSP
# allow blob: images, dropping "displayModeBar" brings the bar back (charts.css styles it)
# without plotly.js 4.1's "Share chart..." button, which uploads data to Plotly Cloud.
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "displayModeBar": False,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}

BAR_HEIGHT = 360
ROW_HEIGHT = 32
DAY_MS = 86_400_000
# Beside its bar, a category label takes width from the bars: on a 375 px phone a project's
# name of 15 characters would leave them about 120 px. Labels wider than LABEL_ROOM go
# above their bars instead, which then run the whole width; each row grows to hold both.
LABEL_ROOM = 96
LABEL_MAX = 288
LABELLED_ROW_HEIGHT = 56
LABELLED_BAR_WIDTH = 0.38
LABEL_SHIFT = 21

Number = int | float


def plain(text: Any) -> str:
    """``text`` as plotly.js should show it: literal, not read as its pseudo-HTML."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _texts(items: Sequence[Any]) -> list[str]:
    return [plain(item) for item in items]


def _numbers(values: Sequence[Number], name: str) -> list[Number]:
    numbers = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{name} must be numbers, not {type(value).__name__}")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite numbers")
        numbers.append(value)
    return numbers


def _same_length(labels: Sequence[Any], values: Sequence[Any], what: str) -> None:
    if len(labels) != len(values):
        raise ValueError(f"{what}: {len(labels)} labels but {len(values)} values")


def _axis(title: str = "", **extra: Any) -> dict:
    axis = {
        "automargin": True,
        "gridcolor": GRID,
        "linecolor": GRID,
        "zerolinecolor": GRID,
        "tickfont": {"color": INK},
        "fixedrange": True,
    }
    if title:
        axis["title"] = {"text": plain(title), "font": {"color": MUTED}}
    axis.update(extra)
    return axis


def _layout(title: str, *, height: int = BAR_HEIGHT, **extra: Any) -> dict:
    """What every chart shares: responsive width, compact margins, Chinese-capable fonts."""
    layout = {
        "title": {"text": plain(title), "x": 0, "xanchor": "left", "xref": "container",
                  "pad": {"l": 12}, "font": {"size": 16, "color": INK}},
        "autosize": True,
        "height": height,
        "margin": {"l": 8, "r": 16, "t": 48, "b": 8, "pad": 4, "autoexpand": True},
        "font": {"family": FONT_FAMILY, "size": 13, "color": INK},
        "hoverlabel": {"font": {"family": FONT_FAMILY}, "align": "left"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "colorway": list(PALETTE),
        "showlegend": False,
        "dragmode": False,
        "separators": ".,",
    }
    layout.update(extra)
    return layout


def _figure(data: list[dict], layout: dict) -> dict:
    return {"data": data, "layout": layout, "config": copy.deepcopy(CONFIG)}


def _text_width(text: str, size: int = 13) -> int:
    """Roughly how many pixels ``text`` takes: CJK characters are square, Latin ones narrow."""
    return round(sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text))


def _rows_height(count: int, extra: int = 0, row: int = ROW_HEIGHT) -> int:
    """A height that gives each row of a horizontal chart room, plus ``extra`` margin."""
    return max(BAR_HEIGHT // 2, 100 + extra + row * count)


def _labels_above(labels: Sequence[Any]) -> bool:
    """Whether the category labels are too wide to stand beside their bars on a phone."""
    return max((_text_width(str(label)) for label in labels), default=0) > LABEL_ROOM


def _shortened(text: str, room: int = LABEL_MAX) -> str:
    """``text`` cut with an ellipsis to fit ``room`` pixels; hover and table keep it whole."""
    if _text_width(text) <= room:
        return text
    while text and _text_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def _row_labels(labels: Sequence[Any]) -> list[dict]:
    """One annotation per row, over the left end of its bar (the axis keeps no tick labels)."""
    return [{"xref": "paper", "x": 0, "xanchor": "left", "yref": "y", "y": plain(label),
             "yshift": LABEL_SHIFT, "yanchor": "middle", "showarrow": False, "align": "left",
             "text": plain(_shortened(str(label))), "font": {"color": INK},
             # A line drawn across the bars (the threshold, today) passes behind the name.
             "bgcolor": "rgba(255,255,255,0.85)", "borderpad": 0}
            for label in labels]


def _put_labels_above(layout: dict, labels: Sequence[Any]) -> None:
    layout["yaxis"]["showticklabels"] = False
    layout["annotations"] = [*_row_labels(labels), *layout.get("annotations", [])]


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    title: str,
    x_title: str = "",
    y_title: str = "",
    horizontal: bool = False,
    threshold: float | None = None,
    threshold_label: str = "",
) -> dict:
    """Counts per category, in the given order (the first label at the top when horizontal).

    Horizontal bars suit long (Chinese) labels; labels too long to stand beside their bars
    on a phone are written above them instead (see ``LABEL_ROOM``).

    ``threshold`` draws a dashed line across the value axis, labelled ``threshold_label``
    (for example the share of votes a project needs). ``x_title`` and ``y_title`` name the
    axes as drawn: when ``horizontal`` the values run along x.
    """
    _same_length(labels, values, "bar_chart")
    names = _texts(labels)
    numbers = _numbers(values, "values")
    bar = {
        "type": "bar",
        "orientation": "h" if horizontal else "v",
        "marker": {"color": PALETTE[0]},
        "text": [str(n) for n in numbers],
        "textposition": "auto",
        "textangle": 0,
        "cliponaxis": False,
        "hovertemplate": ("%{y}: %{x}" if horizontal else "%{x}: %{y}") + "<extra></extra>",
    }
    category_axis = {"type": "category", "showgrid": False, "ticks": ""}
    value_axis = {"rangemode": "tozero", "zeroline": True}
    above = horizontal and _labels_above(labels)
    if horizontal:
        bar.update(x=numbers, y=names)
        layout = _layout(
            title,
            height=_rows_height(len(names), row=LABELLED_ROW_HEIGHT if above else ROW_HEIGHT),
            xaxis=_axis(x_title, **value_axis),
            yaxis=_axis(y_title, autorange="reversed", **category_axis),
        )
        if above:
            bar["width"] = LABELLED_BAR_WIDTH
            _put_labels_above(layout, labels)
    else:
        bar.update(x=names, y=numbers)
        layout = _layout(
            title,
            xaxis=_axis(x_title, **category_axis),
            yaxis=_axis(y_title, **value_axis),
        )
    if threshold is not None:
        (level,) = _numbers([threshold], "threshold")
        line = {"type": "line", "layer": "above",
                "line": {"color": THRESHOLD_COLOR, "width": 2, "dash": "dash"}}
        text = str(threshold_label or level)
        note = {"text": plain(text), "showarrow": False, "font": {"color": THRESHOLD_COLOR}}
        # The label sits outside the plotting area, so it never covers a bar or its number:
        # above the plot for a vertical line, in a widened right margin for a horizontal one.
        if horizontal:
            line.update(xref="x", x0=level, x1=level, yref="paper", y0=0, y1=1)
            # At the far end of the axis a centred label would run off the figure.
            far_end = level >= max(numbers, default=0)
            note.update(xref="x", x=level, xanchor="right" if far_end else "center",
                        yref="paper", y=1, yanchor="bottom")
            layout["margin"] = {**layout["margin"], "t": 72}
            layout["height"] += 24
        else:
            line.update(xref="paper", x0=0, x1=1, yref="y", y0=level, y1=level)
            note.update(xref="paper", x=1, xanchor="left", xshift=4, yref="y", y=level,
                        yanchor="middle")
            layout["margin"] = {**layout["margin"], "r": 16 + _text_width(text)}
        layout["shapes"] = [line]
        layout["annotations"] = [*layout.get("annotations", []), note]
    return _figure([bar], layout)


def line_chart(
    x: Sequence[str],
    series: Mapping[str, Sequence[Number]],
    *,
    title: str,
    x_title: str = "",
    y_title: str = "",
) -> dict:
    """One line per series over the same categories, e.g. proposals per month (``2024-05``).

    The x values are categories shown as given, so months stay in the caller's order and
    wording. A legend appears only when there is more than one series.
    """
    points = _texts(x)
    data = []
    for index, (name, values) in enumerate(series.items()):
        _same_length(points, values, f"line_chart series {name!r}")
        data.append({
            "type": "scatter",
            "mode": "lines+markers",
            "name": plain(name),
            "x": points,
            "y": _numbers(values, f"series {name!r}"),
            "line": {"color": PALETTE[index % len(PALETTE)], "width": 2},
            "marker": {"size": 7},
            "hovertemplate": "%{x}: %{y}<extra>%{fullData.name}</extra>",
        })
    several = len(data) > 1
    layout = _layout(
        title,
        showlegend=several,
        legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"},
        xaxis=_axis(x_title, type="category", showgrid=False),
        yaxis=_axis(y_title, rangemode="tozero", zeroline=True),
    )
    if several:
        layout["margin"] = {**layout["margin"], "t": 72}
    return _figure(data, layout)


def funnel_chart(stages: Sequence[str], values: Sequence[Number], *, title: str) -> dict:
    """How many items reach each stage, widest first (e.g. submitted → shortlisted → adopted)."""
    _same_length(stages, values, "funnel_chart")
    names = _texts(stages)
    funnel = {
        "type": "funnel",
        "y": names,
        "x": _numbers(values, "values"),
        "textinfo": "value+percent initial",
        "marker": {"color": PALETTE[0]},
        "connector": {"fillcolor": "#e3f0ff", "line": {"width": 0}},
        "hovertemplate": "%{y}: %{x}<extra></extra>",
    }
    layout = _layout(
        title, height=_rows_height(len(names)),
        yaxis=_axis(type="category", showgrid=False),
        xaxis=_axis(visible=False),
    )
    return _figure([funnel], layout)


def gantt_chart(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    today: date | None = None,
    today_label: str = "",
    planned_label: str = "",
    done_label: str = "",
) -> dict:
    """Schedules as horizontal bars on a date axis, the done part drawn darker.

    Each row has ``name``, ``start`` and ``end`` (dates, both days included) and
    ``progress`` (0–100). ``today`` draws a dotted vertical line; it is an argument, not
    ``date.today()``, so the output stays deterministic. The legend names the planned
    bars, the done bars and the line with ``planned_label``, ``done_label`` and
    ``today_label`` (the date itself if that is empty); a kind without a label is left
    out of the legend, and without any label there is no legend. Long names (most
    projects') are written above their bars, so on a phone the bars keep the whole width.
    """
    names, starts, planned, done, info = [], [], [], [], []
    above = _labels_above([row["name"] for row in rows])
    for row in rows:
        start, end = row["start"], row["end"]
        if not isinstance(start, date) or not isinstance(end, date):
            raise TypeError("gantt_chart: start and end must be dates")
        if end < start:
            raise ValueError(f"gantt_chart: {row['name']!r} ends before it starts")
        (progress,) = _numbers([row.get("progress", 0)], "progress")
        progress = min(max(progress, 0), 100)
        days = (end - start).days + 1
        names.append(plain(row["name"]))
        starts.append(start.isoformat())
        # On a date axis a bar's length is a duration in milliseconds, from its base.
        planned.append(days * DAY_MS)
        done.append(round(days * DAY_MS * progress / 100))
        info.append([start.isoformat(), end.isoformat(), progress])
    hover = "%{y}<br>%{customdata[0]} – %{customdata[1]}<br>%{customdata[2]}%<extra></extra>"
    common = {"type": "bar", "orientation": "h", "y": names, "base": starts,
              "customdata": info, "hovertemplate": hover}
    if above:
        common["width"] = LABELLED_BAR_WIDTH
    data = [
        {**common, "name": plain(planned_label), "showlegend": bool(planned_label),
         "x": planned, "marker": {"color": PLANNED_COLOR}},
        {**common, "name": plain(done_label), "showlegend": bool(done_label),
         "x": done, "marker": {"color": DONE_COLOR},
         "text": [f"{item[2]}%" for item in info], "textposition": "inside",
         "insidetextanchor": "start", "textangle": 0, "textfont": {"color": "#ffffff"}},
    ]
    legend = bool(planned_label or done_label or today is not None)
    layout = _layout(
        title,
        height=_rows_height(len(names), 24 if legend else 0,
                            row=LABELLED_ROW_HEIGHT if above else ROW_HEIGHT),
        barmode="overlay",
        showlegend=legend,
        legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"},
        # Short tick labels, so they need not be turned on a phone: days within a month,
        # months beyond. The table and the hover give the full dates.
        xaxis=_axis(type="date", tickformatstops=[
            {"dtickrange": [None, "M1"], "value": "%m-%d"},
            {"dtickrange": ["M1", None], "value": "%Y-%m"},
        ]),
        yaxis=_axis(type="category", autorange="reversed", showgrid=False),
    )
    if legend:
        layout["margin"] = {**layout["margin"], "t": 72}
    if above:
        _put_labels_above(layout, [row["name"] for row in rows])
    if today is not None:
        day = today.isoformat()
        # Named in the legend rather than by an annotation, which would collide with bars,
        # tick labels or the legend on a narrow screen.
        layout["shapes"] = [{
            "type": "line", "layer": "above", "xref": "x", "x0": day, "x1": day,
            "yref": "paper", "y0": 0, "y1": 1,
            "line": {"color": TODAY_COLOR, "width": 2, "dash": "dot"},
            "showlegend": True, "name": plain(today_label or day),
        }]
    return _figure(data, layout)


# Inside <script type="application/json"> the HTML parser only looks for "</script" (and
# "<!--"); escaping every <, > and & makes any label harmless. U+2028/2029 are escaped too
# so the text would stay valid if it were ever pasted into JavaScript source.
_HTML_SAFE = str.maketrans({
    "<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
    "\u2028": "\\u2028", "\u2029": "\\u2029",
})


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    # A lazy translation (flask_babel's LazyString) becomes its text.
    if type(value).__name__ == "LazyString":
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def figure_json(figure: Mapping[str, Any]) -> str:
    """Compact JSON for a ``<script type="application/json">`` block; cannot close it early."""
    text = json.dumps(figure, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                      default=_json_default)
    return text.translate(_HTML_SAFE)
