"""Datasets sent as CSV or JSON, streamed row by row; shared by open data and the reports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from flask import Response, current_app

from proposals.opendata import datasets as opendata
from proposals.opendata.datasets import FIELDS, plain
from proposals.sheets import safe_cell

FORMATS = "any(csv, json)"
FLUSH_EVERY = 500


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


def streamed(dataset: str, **options) -> Iterator[dict]:
    """A dataset's rows read while the response is sent, after the request's own session
    has closed: a session of their own, closed when the last row is out."""
    session = current_app.extensions["yishi.sessionmaker"]()

    def rows() -> Iterator[dict]:
        try:
            yield from opendata.dataset_rows(session, dataset, **options)
        finally:
            session.close()

    return rows()
