"""The community's roster (户籍/居住名册) on the register's desk: imported whole from a sheet,
checked row by row; the people whose confirmed numbers are on it are verified there."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import allow
from app.db import get_session, writing
from app.officials import bp
from app.residence.forms import RosterImportForm
from app.residence.support import kept_community, render
from proposals.sheets import (
    MAX_BYTES,
    Column,
    RowError,
    read_sheet,
    template_csv,
)
from votes.people import User
from votes.places import Place
from votes.roster import RosterRow, import_roster, problems, roster_of

COLUMNS = (
    Column("name", "姓名", "name"),
    Column("mobile", "手机号", "mobile"),
    Column("address", "地址", "address", required=False),
)
EXAMPLE = ("王秀英", "13800138000", "3号楼2单元501")


@dataclass
class Report:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_roster(data: bytes, filename: str, community: Place) -> Report:
    """The whole sheet checked: its header, then every row as the roster's rules take it
    (a number well formed, once in the file, on no other community's roster)."""
    sheet = read_sheet(data, filename, COLUMNS)
    report, positions = Report(errors=sheet.errors), sheet.positions
    if report.errors:
        return report
    numbers = []
    for number, values in sheet.rows:
        report.rows.append(RosterRow(values.get("name", ""), values.get("mobile", ""),
                                     values.get("address") or None))
        numbers.append(number)
    for n, error in problems(get_session(), community, report.rows):
        column = str(error.params.get("field", "mobile"))
        params = {k: v for k, v in error.params.items() if k != "field"}
        if "first" in params:  # the row as Excel shows it, not its place among the rows
            params["first"] = numbers[params["first"] - 1]
        report.errors.append(RowError(numbers[n - 1], positions.get(column, (0, None))[1],
                                      error.code, params))
    return report


def _page(community: Place, form: RosterImportForm | None = None,
          report: Report | None = None, status: int = 200):
    db = get_session()
    return render("residence/roster.html", community=community,
                  form=form or RosterImportForm(formdata=None), report=report,
                  roster=roster_of(db, community)), status


@bp.route("/register/<int:place_id>/roster")
@allow("official", "admin")
def roster(place_id: int):
    return _page(kept_community(place_id))


@bp.route("/register/<int:place_id>/roster/template.csv")
@allow("official", "admin")
def roster_template(place_id: int):
    kept_community(place_id)
    return Response(template_csv(COLUMNS, EXAMPLE).encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition":
                             "attachment; filename=yishi-roster-template.csv"})


@bp.route("/register/<int:place_id>/roster", methods=["POST"])
@allow("official", "admin")
def import_roster_file(place_id: int):
    community = kept_community(place_id)
    form = RosterImportForm()
    if not form.validate_on_submit():
        return _page(community, form, status=422)
    upload = form.file.data
    if not upload or not upload.filename:
        form.file.errors = [_("Choose a file to import.")]
        return _page(community, form, status=422)
    report = read_roster(upload.stream.read(MAX_BYTES + 1), upload.filename, community)
    if not report.ok:
        return _page(community, form, report, status=422)
    db = get_session()
    with writing() as work:
        done = import_roster(db, db.get(User, current_user.id), community, report.rows)
    if not work.ok:
        return _page(community, form, status=422)
    flash(_("The roster of %(community)s has %(n)d entries now. Verified by it now: "
            "%(verified)d. Verified in another community, and left there: %(elsewhere)d.",
            community=community.name, n=done.entries, verified=done.verified,
            elsewhere=done.elsewhere), "success")
    return redirect(url_for("officials.roster", place_id=community.id))
