"""Open data: every public dataset, its stable addresses and fields, as CSV or JSON."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select

from app.auth.access import PUBLIC, allow
from app.db import get_session
from app.implementation.support import today
from app.numbers import arg_int
from app.opendata.downloads import FORMATS, download, streamed
from app.public import bp
from proposals.cycles.models import Cycle
from proposals.opendata.datasets import FIELDS, PUBLIC_DATASETS

_PUBLIC = "any(" + ", ".join(PUBLIC_DATASETS) + ")"


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
    cycle_id = arg_int("cycle")
    if cycle_id is not None and get_session().get(Cycle, cycle_id) is None:
        abort(404)
    rows = streamed(dataset, today=today(), cycle_id=cycle_id)
    name = dataset if cycle_id is None else f"{dataset}-cycle-{cycle_id}"
    return download(dataset, fmt, rows, f"yishi-{name}",
                    {"cycle_id": cycle_id} if cycle_id is not None else None)
