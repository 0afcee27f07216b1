"""Officials and the 12345 hotline's export: its template, and the upload checked whole before
any call becomes a request."""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.access import allow
from app.collection.forms import ImportForm
from app.db import get_session, writing
from app.officials import bp
from app.requests.support import now, render
from proposals.requests import hotline


@bp.route("/requests/import-template.csv")
@allow("official")
def request_import_template():
    return Response(
        hotline.template_csv().encode("utf-8-sig"), mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=yishi-12345-template.csv"})


@bp.route("/requests/import", methods=["GET", "POST"])
@allow("official")
def request_import():
    """The hotline's export: every row is checked first; one bad row and nothing is kept."""
    db = get_session()
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = [_("Choose a file to import.")]
        else:
            data = upload.stream.read(hotline.MAX_BYTES + 1)
            moment = now()
            report = hotline.check_file(db, data, upload.filename, now=moment)
            if report.ok:
                with writing() as work:
                    made = hotline.import_calls(db, current_user, report.rows)
                if work.ok:
                    flash(ngettext("%(num)d call imported from the 12345 hotline; it waits "
                                   "on the dispatch desk.",
                                   "%(num)d calls imported from the 12345 hotline; they "
                                   "wait on the dispatch desk.", len(made)), "success")
                    return redirect(url_for("officials.request_dispatch_desk"))
    return render("requests/import.html", form=form, report=report)
