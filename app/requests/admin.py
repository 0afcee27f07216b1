"""The administrator and 接诉即办: the time limits per category and urgency, the units."""

from __future__ import annotations

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.auth.access import allow
from app.db import get_session, writing
from app.requests.forms import LimitForm, UnitForm
from app.requests.support import now, render, show
from app.templating import CATEGORY_LABELS
from proposals.requests import services
from proposals.requests.models import Urgency
from votes.people import find_user


def _limit_forms(posted: LimitForm | None = None) -> dict:
    db = get_session()
    forms = {}
    for category in CATEGORY_LABELS:
        for urgency in Urgency:
            key = (category, urgency.value)
            if posted is not None and (posted.category.data, posted.urgency.data) == key:
                forms[key] = posted
                continue
            hours, days = services.limit_for(db, category, urgency.value)
            form = LimitForm(prefix=f"{category}-{urgency.value}", formdata=None)
            form.category.data, form.urgency.data = key
            form.sign_hours.data, form.resolve_days.data = hours, days
            forms[key] = form
    return forms


def _page(posted: LimitForm | None = None, unit_form: UnitForm | None = None):
    return render("requests/settings.html", forms=_limit_forms(posted),
                  unit_form=unit_form or UnitForm(prefix="unit"),
                  units=services.units(get_session()))


@bp.route("/requests/settings")
@allow("admin")
def request_settings():
    return _page()


@bp.route("/requests/limits/<category>/<urgency>", methods=["POST"])
@allow("admin")
def request_limit(category: str, urgency: str):
    db = get_session()
    form = LimitForm(prefix=f"{category}-{urgency}")
    if form.validate_on_submit():
        with writing(form, quiet=True, success=_("The limit is saved; requests dispatched "
                                                  "from now on are held to it.")) as work:
            services.set_limit(db, current_user, category=category, urgency=urgency,
                               sign_hours=form.sign_hours.data,
                               resolve_days=form.resolve_days.data, now=now())
        show(work.error, form)
        if work.ok:
            return redirect(url_for("admin.request_settings"))
    form.category.data, form.urgency.data = category, urgency
    return _page(posted=form)


@bp.route("/requests/units", methods=["POST"])
@allow("admin")
def request_unit():
    db = get_session()
    form = UnitForm(prefix="unit")
    if form.validate_on_submit():
        with writing(form, quiet=True, success=_("The unit is registered.")) as work:
            services.add_unit(db, current_user, name=form.name.data,
                              official=find_user(db, form.official.data.strip()))
        show(work.error, form)
        if work.ok:
            return redirect(url_for("admin.request_settings"))
    return _page(unit_form=form)
