"""Public 接诉即办 pages: every request with its history (never its requester), the three rates."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from app import charts
from app.auth.access import PUBLIC, allow
from app.db import get_session
from app.numbers import arg_int
from app.pagination import paginate
from app.public import bp
from app.requests.forms import RatingForm
from app.requests.messages import RATE_LABELS, STATUS_LABELS
from app.requests.support import clock_of, now, render
from app.templating import CATEGORY_LABELS
from proposals.requests import merging, queries
from proposals.requests.clock import local
from proposals.requests.models import Status, Unit
from proposals.requests.rates import parse_month

PAGE_SIZE = 20


def _filter(name: str, allowed) -> str | None:
    value = request.args.get(name, "").strip()
    return value if value in allowed else None


@bp.route("/requests")
@allow(PUBLIC)
def requests_list():
    db = get_session()
    known = queries.communities(db)
    chosen = {"status": _filter("status", STATUS_LABELS),
              "category": _filter("category", CATEGORY_LABELS),
              "community": _filter("community", known)}
    page = paginate(db, queries.public_list(**chosen), PAGE_SIZE)
    moment = now()
    return render("requests/list.html", page=page, chosen=chosen, communities=known,
                  clocks={r.id: clock_of(r, moment) for r in page.items})


@bp.route("/requests/<request_number>")
@allow(PUBLIC)
def request_page(request_number: str):
    db = get_session()
    found = queries.by_number(db, request_number) or abort(404)
    mine = current_user.is_authenticated and current_user.id == found.requester_id
    rateable = mine and found.status == Status.REPLIED
    co = merging.co_requester(db, found, current_user)  # a merged duplicate's requester
    return render("requests/request.html", item=found, events=queries.history(db, found),
                  clock=clock_of(found, now()), mine=mine,
                  form=RatingForm() if rateable else None, co=co,
                  co_form=RatingForm() if merging.may_rate(co, found) else None)


@bp.route("/requests/rates")
@allow(PUBLIC)
def request_rates():
    db = get_session()
    moment = now()
    today = local(moment).date()
    month = parse_month(request.args.get("month")) or (today.year, today.month)
    previous = (month[0] - 1, 12) if month[1] == 1 else (month[0], month[1] - 1)
    following = (month[0] + 1, 1) if month[1] == 12 else (month[0], month[1] + 1)
    months = {"month": month, "previous": previous,
              "following": following if following <= (today.year, today.month) else None}
    unit_id = arg_int("unit")
    unit = db.get(Unit, unit_id) if unit_id else None
    if unit is not None:
        trend = queries.unit_trend(db, unit, month, moment)
        return render("requests/rates_unit.html", unit=unit, trend=trend, now=trend[-1],
                      figure=_figure(trend[-1]), **months)
    return render("requests/rates.html", rows=queries.unit_rates(db, month, moment), **months)


def _figure(three) -> dict | None:
    """The month's rates that have anything to count, as bars in percent (the table has the
    counts); None when none has."""
    shown = [(RATE_LABELS[r.definition], r.per_mille() / 10) for r in
             (three.response, three.resolution, three.satisfaction) if not r.empty]
    if not shown:
        return None
    return charts.bar_chart([label for label, _ in shown], [value for _, value in shown],
                            title=_("The month’s three rates, in percent"), horizontal=True,
                            x_title=_("Percent"))
