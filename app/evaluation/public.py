"""Public results: a cycle's report with charts, a project's evaluation, and the open data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from app import charts
from app.auth.access import PUBLIC, allow
from app.ballots.public import result_chart
from app.db import get_session
from app.evaluation.messages import FUNNEL_LABELS
from app.implementation.support import load_project, today
from app.public import bp
from app.templating import CATEGORY_LABELS
from proposals.cycles.models import Cycle
from proposals.evaluation import rounds as evaluation
from proposals.evaluation.satisfaction import RaterKind
from proposals.opendata import datasets as opendata
from proposals.opendata.datasets import FIELDS, PUBLIC_DATASETS, REPORT_DATASETS, CycleReport, plain
from proposals.sheets import safe_cell

FORMATS = "any(csv, json)"
_PUBLIC = "any(" + ", ".join(PUBLIC_DATASETS) + ")"
_REPORT = "any(" + ", ".join(REPORT_DATASETS) + ")"
FLUSH_EVERY = 500


# --- CSV and JSON, streamed -----------------------------------------------------------


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(item) for item in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return safe_cell(value)


def csv_lines(fields: Sequence[str], rows: Iterable[dict]) -> Iterator[str]:
    """CSV with a BOM, so that spreadsheet programs read the Chinese text as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(fields)
    for index, row in enumerate(rows, start=1):
        writer.writerow([_cell(row[field]) for field in fields])
        if index % FLUSH_EVERY == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def json_chunks(head: dict, fields: Sequence[str], rows: Iterable[dict]) -> Iterator[str]:
    """{...head, "fields": [...], "rows": [{...}, ...]}, one row at a time."""
    opening = json.dumps({**head, "fields": list(fields)}, ensure_ascii=False)
    yield opening[:-1] + ', "rows": ['
    for index, row in enumerate(rows):
        text = json.dumps({field: plain(row[field]) for field in fields}, ensure_ascii=False)
        yield ("," if index else "") + text
    yield "]}"


def download(name: str, fmt: str, rows: Iterable[dict], filename: str,
             head: dict | None = None) -> Response:
    fields = FIELDS[name]
    if fmt == "csv":
        body, mimetype = csv_lines(fields, rows), "text/csv"
    else:
        body, mimetype = json_chunks({"dataset": name, **(head or {})}, fields, rows), (
            "application/json")
    return Response((chunk.encode("utf-8") for chunk in body), mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={filename}.{fmt}"})


def _streamed(dataset: str, **options) -> Iterator[dict]:
    """A dataset's rows read while the response is sent, after the request's own session
    has closed: a session of their own, closed when the last row is out."""
    session = current_app.extensions["yishi.sessionmaker"]()

    def rows() -> Iterator[dict]:
        try:
            yield from opendata.dataset_rows(session, dataset, **options)
        finally:
            session.close()

    return rows()


# --- the cycle report ------------------------------------------------------------------


def _rated(report: CycleReport, kind: RaterKind) -> list[tuple[str, object]]:
    return [(r.title, r.by_kind[kind]) for r in report.rounds if r.by_kind[kind].total]


def report_figures(report: CycleReport) -> dict[str, dict]:
    """Every chart of the report, from the same rows the tables and downloads show."""
    bar = report.cycle.satisfaction_bar
    line = {"threshold": bar, "threshold_label": _("Bar: %(n)s%%", n=bar)}
    figures = {"funnel": charts.funnel_chart(
        [str(FUNNEL_LABELS[r["stage"]]) for r in report.funnel],
        [r["count"] for r in report.funnel], title=_("From proposals to rated projects"))}
    if report.projects:
        figures["progress"] = charts.bar_chart(
            [p["title"] for p in report.projects], [p["progress"] for p in report.projects],
            title=_("Progress of each project"), x_title=_("Progress in percent"),
            horizontal=True)
    for kind, title in ((RaterKind.DELEGATE, _("Delegates' satisfaction per project")),
                        (RaterKind.RESIDENT, _("Residents' satisfaction per project"))):
        rated = _rated(report, kind)
        if rated:
            figures[f"satisfaction-{kind}"] = charts.bar_chart(
                [name for name, _c in rated], [c.tenths / 10 for _n, c in rated], title=title,
                x_title=_("Satisfaction rate in percent"), horizontal=True, **line)
    rated = [c for c in report.categories if c["all_total"]]
    if rated:
        figures["categories"] = charts.bar_chart(
            [str(CATEGORY_LABELS.get(c["category"], c["category"])) for c in rated],
            [c["all_rate_percent"] for c in rated], title=_("Satisfaction per category"),
            x_title=_("Satisfaction rate in percent (all ratings)"), horizontal=True, **line)
    for ballot, result in report.ballots:
        figures[f"ballot-{ballot.id}"] = result_chart(ballot, result)
    return figures


def _cycle(cycle_id: int) -> Cycle:
    return get_session().get(Cycle, cycle_id) or abort(404)


@bp.route("/cycles/<int:cycle_id>/report")
@allow(PUBLIC)
def cycle_report(cycle_id: int):
    """The cycle from proposals to ratings: each chart with its table and its data."""
    cycle = _cycle(cycle_id)
    report = opendata.cycle_report(get_session(), cycle, today())
    return render_template("evaluation/report.html", cycle=cycle, report=report,
                           figures=report_figures(report), kinds=list(RaterKind))


@bp.route(f"/cycles/<int:cycle_id>/report/<{_REPORT}:dataset>.<{FORMATS}:fmt>")
@allow(PUBLIC)
def report_data(cycle_id: int, dataset: str, fmt: str):
    cycle = _cycle(cycle_id)
    report = opendata.cycle_report(get_session(), cycle, today())
    return download(dataset, fmt, report.dataset(dataset),
                    f"cycle-{cycle_id}-{dataset}", {"cycle_id": cycle_id})


# --- one project's evaluation -------------------------------------------------------------


@bp.route("/projects/<int:project_id>/evaluation")
@allow(PUBLIC)
def project_evaluation(project_id: int):
    """Every round with both groups' counts and rates, the rectification reports, the log."""
    db = get_session()
    project = load_project(project_id)
    rounds = [(r, evaluation.counts(db, project_id, r.round_no))
              for r in evaluation.rounds_of(db, project_id)]
    return render_template(
        "evaluation/project.html", project=project, rounds=rounds, kinds=list(RaterKind),
        reports=evaluation.reports_of(db, project_id), log=evaluation.log_of(db, project_id))


# --- open data -------------------------------------------------------------------------


@bp.route("/data")
@allow(PUBLIC)
def open_data():
    """Every public dataset, its stable addresses and what each field means."""
    db = get_session()
    cycles = db.scalars(select(Cycle).order_by(Cycle.year.desc(), Cycle.id.desc())).all()
    return render_template("opendata/index.html", datasets=PUBLIC_DATASETS, fields=FIELDS,
                           cycles=cycles)


@bp.route(f"/data/<{_PUBLIC}:dataset>.<{FORMATS}:fmt>")
@allow(PUBLIC)
def dataset_file(dataset: str, fmt: str):
    """One dataset, whole or of one cycle (?cycle=ID), as CSV or JSON."""
    value = request.args.get("cycle", "")
    cycle_id = int(value) if value.isdigit() else None
    if cycle_id is not None:
        _cycle(cycle_id)
    rows = _streamed(dataset, today=today(), cycle_id=cycle_id)
    name = dataset if cycle_id is None else f"{dataset}-cycle-{cycle_id}"
    return download(dataset, fmt, rows, f"yishi-{name}",
                    {"cycle_id": cycle_id} if cycle_id is not None else None)
