"""Public results of evaluation: a cycle's report with charts and downloads, a project's rounds."""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app import charts
from app.auth.access import PUBLIC, allow
from app.ballots.charts import result_chart
from app.db import get_session
from app.evaluation.messages import FUNNEL_LABELS
from app.implementation.support import load_project, today
from app.opendata.downloads import FORMATS, download
from app.public import bp
from app.templating import CATEGORY_LABELS
from proposals.cycles.models import Cycle
from proposals.evaluation import rating
from proposals.evaluation import rounds as evaluation
from proposals.evaluation.satisfaction import RaterKind
from proposals.opendata import datasets as opendata
from proposals.opendata.datasets import REPORT_DATASETS, CycleReport

_REPORT = "any(" + ", ".join(REPORT_DATASETS) + ")"


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
    latest = rounds[-1][0] if rounds else None
    mine = (rating.my_rating(db, current_user.id, project_id, latest.round_no)
            if current_user.is_authenticated and latest and latest.is_open else None)
    return render_template(
        "evaluation/project.html", project=project, rounds=rounds, kinds=list(RaterKind),
        mine=mine, reports=evaluation.reports_of(db, project_id),
        log=evaluation.log_of(db, project_id))
