"""The administrator and places: the district's streets and communities (typed or imported
whole from a sheet), renaming one, and naming the officials who keep each register."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.auth.access import allow
from app.db import get_session, writing
from app.residence.forms import ActionForm, KeeperForm, PlaceForm, PlacesImportForm, RenameForm
from app.residence.support import render, show
from proposals.sheets import (
    MAX_BYTES,
    Column,
    RowError,
    read_sheet,
    template_csv,
)
from votes.base import DomainError
from votes.people import User, find_user
from votes.places import (
    Level,
    Place,
    PlaceRow,
    add_places,
    all_places,
    by_code,
    keepers,
    name_keeper,
    problems,
    remove_keeper,
    rename_place,
)

COLUMNS = (
    Column("level", "级别", "level"),
    Column("code", "代码", "code"),
    Column("name", "名称", "name"),
    Column("parent_code", "上级代码", "parent code", required=False),
)
LEVELS = {"区": "district", "县": "district", "街道": "street", "乡": "street", "镇": "street",
          "乡镇": "street", "社区": "community", "村": "community", **{v: v for v in Level}}
EXAMPLE = ("社区", "110105001001", "和平社区", "110105001")


@dataclass
class Report:
    rows: list[PlaceRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_places(data: bytes, filename: str) -> Report:
    """The whole sheet checked: its header, every row's level, and every row as the rules
    of places would take it after the rows above it."""
    sheet = read_sheet(data, filename, COLUMNS)
    report, positions = Report(errors=sheet.errors), sheet.positions
    if report.errors:
        return report
    numbers = []
    for number, values in sheet.rows:
        level = LEVELS.get(values.get("level", "").lower())
        if level is None:
            report.errors.append(RowError(number, positions["level"][1], "unknown_level"))
            level = values.get("level", "")
        report.rows.append(PlaceRow(level, values.get("code", ""), values.get("name", ""),
                                    values.get("parent_code") or None))
        numbers.append(number)
    column_of = {"place_code_shape": "code", "place_code_taken": "code",
                 "place_parent_unknown": "parent_code", "place_parent_level": "parent_code",
                 "place_district_parent": "parent_code", "place_parent_needed": "parent_code"}
    flagged = {e.row for e in report.errors}
    for n, error in problems(get_session(), report.rows):
        row = numbers[n - 1]
        if row in flagged:
            continue
        name = column_of.get(error.code, "name")
        written = positions.get(name, (0, None))[1]
        report.errors.append(RowError(row, written, error.code, error.params))
    report.errors.sort(key=lambda e: e.row)
    return report


def _page(form: PlaceForm | None = None, import_form: PlacesImportForm | None = None,
          keeper_form: KeeperForm | None = None, report: Report | None = None):
    db = get_session()
    return render("residence/places.html", places=all_places(db), keepers=keepers(db),
                  form=form or PlaceForm(formdata=None),
                  import_form=import_form or PlacesImportForm(formdata=None),
                  keeper_form=keeper_form or KeeperForm(formdata=None), report=report,
                  action_form=ActionForm())


@bp.route("/places")
@allow("admin")
def places():
    return _page()


@bp.route("/places", methods=["POST"])
@allow("admin")
def add_place():
    form = PlaceForm()
    if form.validate_on_submit():
        db = get_session()
        with writing(form, quiet=True, success=_("The place is added.")) as work:
            add_places(db, db.get(User, current_user.id), [PlaceRow(
                form.level.data, form.code.data, form.name.data, form.parent_code.data)])
        if work.error is not None:
            target = {"place_code_shape": "code", "place_code_taken": "code",
                      "place_name_taken": "name", "community_name_taken": "name"}.get(
                          work.error.code, "parent_code")
            work.error.params.setdefault("field", target)
            show(work.error, form)
        if work.ok:
            return redirect(url_for("admin.places"))
    return _page(form=form)


@bp.route("/places/template.csv")
@allow("admin")
def places_template():
    return Response(template_csv(COLUMNS, EXAMPLE).encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition":
                             "attachment; filename=yishi-places-template.csv"})


@bp.route("/places/import", methods=["POST"])
@allow("admin")
def import_places():
    form = PlacesImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = [_("Choose a file to import.")]
        else:
            report = read_places(upload.stream.read(MAX_BYTES + 1), upload.filename)
            if report.ok:
                db = get_session()
                with writing() as work:
                    added = add_places(db, db.get(User, current_user.id), report.rows)
                if work.ok:
                    flash(_("%(n)d places added.", n=len(added)), "success")
                    return redirect(url_for("admin.places"))
    return _page(import_form=form, report=report)


@bp.route("/places/<int:place_id>/rename", methods=["GET", "POST"])
@allow("admin")
def rename(place_id: int):
    db = get_session()
    place = db.get(Place, place_id) or abort(404)
    form = RenameForm(obj=place if not RenameForm().is_submitted() else None)
    if form.validate_on_submit():
        with writing(form, quiet=True, success=_("The place is renamed.")) as work:
            rename_place(db, db.get(User, current_user.id), place, form.name.data)
        if work.error is not None:
            work.error.params.setdefault("field", "name")
            show(work.error, form)
        if work.ok:
            return redirect(url_for("admin.places"))
    return render("residence/rename.html", place=place, form=form)


@bp.route("/places/keepers", methods=["POST"])
@allow("admin")
def add_keeper():
    form = KeeperForm()
    if form.validate_on_submit():
        db = get_session()
        with writing(form, quiet=True, success=_("The official keeps that register now.")) \
                as work:
            official = find_user(db, form.official.data)
            if official is None:
                raise DomainError("no_such_person", field="official")
            place = by_code(db, form.place_code.data)
            if place is None or place.level == Level.DISTRICT:
                raise DomainError("place_parent_unknown", place=form.place_code.data,
                                  field="place_code")
            name_keeper(db, db.get(User, current_user.id), official, place)
        if work.error is not None:
            work.error.params.setdefault("field", "official")
            show(work.error, form)
        if work.ok:
            return redirect(url_for("admin.places"))
    return _page(keeper_form=form)


@bp.route("/places/keepers/<int:user_id>/<int:place_id>/remove", methods=["POST"])
@allow("admin")
def drop_keeper(user_id: int, place_id: int):
    if ActionForm().validate_on_submit():
        db = get_session()
        with writing(success=_("The official no longer keeps that register.")):
            remove_keeper(db, db.get(User, current_user.id), user_id, place_id)
    return redirect(url_for("admin.places"))
