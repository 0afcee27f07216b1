"""The administrator and 接诉即办: the time limits per category and urgency, the units, and
the holiday arrangements of the years chinesecalendar does not know."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.auth.access import allow
from app.db import get_session, writing
from app.numbers import arg_int
from app.requests.forms import HolidayForm, LimitForm, UnitForm
from app.requests.support import message, now, render, show
from app.templating import CATEGORY_LABELS
from proposals.requests import calendar, clock, queries, services
from proposals.requests.models import HolidayArrangement, Urgency
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


# --- the working-day calendar: a year's holiday arrangement -------------------------------------


def _problem_text(problem: calendar.Problem) -> str:
    """A problem of the typed days, with the line and the item it was found in."""
    said = message(problem.error())
    if not problem.line:
        return said
    return _("Line %(line)d, “%(item)s”: %(problem)s", line=problem.line, item=problem.text,
             problem=said)


def _fill(form: HolidayForm, year: int | None) -> None:
    """The form for `year`, filled with the arrangement entered for it (to replace it)."""
    if year is None:
        return
    form.year.data = year
    for entered in calendar.entered_years(get_session()):
        if entered.arrangement.year == year:
            form.days_off.data = calendar.format_days(entered.days_off)
            form.make_up_days.data = calendar.format_days(entered.make_up_days)
            form.reference.data = entered.arrangement.reference


def _holidays_page(form: HolidayForm):
    db = get_session()
    entered = calendar.entered_years(db)
    this_year = clock.local(now()).year
    return render("requests/holidays.html", form=form, entered=entered, runs=calendar.runs,
                  library=clock.KNOWN_YEARS, library_version=clock.LIBRARY_VERSION,
                  unknown=calendar.first_unknown_year(db, this_year),
                  due_in={e.arrangement.year: queries.handling_due_in(db, e.arrangement.year)
                          for e in entered})


@bp.route("/requests/holidays", methods=["GET", "POST"])
@allow("admin")
def request_holidays():
    db = get_session()
    form = HolidayForm()
    if request.method == "GET":  # a year to replace, or else the first the clock refuses
        _fill(form, arg_int("year", low=calendar.YEARS[0], high=calendar.YEARS[1])
              or calendar.first_unknown_year(db, clock.local(now()).year))
        return _holidays_page(form)
    valid = form.validate_on_submit()
    year = None if form.year.errors else form.year.data
    reading = calendar.read_arrangement(year, form.days_off.data, form.make_up_days.data)
    problems = [p for p in reading.problems if p.field != "year" or year is not None]
    for problem in problems:
        field = getattr(form, problem.field)
        field.errors = [*field.errors, _problem_text(problem)]
    if valid and not problems:
        if db.get(HolidayArrangement, year) is None:
            done = _("The holiday arrangement for %(year)s is entered: deadlines in %(year)s "
                     "can be set now.", year=year)
        else:
            done = _("The holiday arrangement for %(year)s is replaced. Deadlines already set "
                     "keep their day; those set from now on count the new days.", year=year)
        with writing(form, success=done) as work:
            calendar.enter_arrangement(db, current_user, year=year, days_off=reading.days_off,
                                       make_up_days=reading.make_up_days,
                                       reference=form.reference.data or "", now=now())
        if work.ok:
            return redirect(url_for("admin.request_holidays"))
    return _holidays_page(form)
