"""A resident and 接诉即办: raise a request, follow one's own, rate the reply."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import allow
from app.db import get_session, writing
from app.forms import choices
from app.places import community_options
from app.requests.forms import RatingForm, RequestForm
from app.requests.support import clock_of, load_request, now, render, show
from app.residents import bp
from app.templating import CATEGORY_LABELS
from proposals.requests import queries, services


@bp.route("/requests")
@allow("resident")
def my_requests():
    db = get_session()
    found = queries.raised_by(db, current_user)
    moment = now()
    return render("requests/mine.html", items=found,
                  clocks={r.id: clock_of(r, moment) for r in found})


@bp.route("/requests/new", methods=["GET", "POST"])
@allow("resident")
def request_new():
    db = get_session()
    form = RequestForm()
    form.category.choices = choices(CATEGORY_LABELS, blank=True)
    form.community.choices = community_options()
    if not form.is_submitted() and current_user.community:
        form.community.data = current_user.community
    if form.validate_on_submit():
        draft = services.Draft(title=form.title.data, description=form.description.data,
                               category=form.category.data, community=form.community.data,
                               urgency=form.urgency.data)
        with writing(form, quiet=True) as work:
            made = services.raise_request(db, current_user, draft, channel="online", now=now())
        show(work.error, form)
        if work.ok:
            flash(_("Your request %(number)s is received. You will see each step here.",
                    number=made.number), "success")
            return redirect(url_for("public.request_page", request_number=made.number))
    return render("requests/new.html", form=form)


@bp.route("/requests/<int:request_id>/rate", methods=["POST"])
@allow("resident")
def request_rate(request_id: int):
    db = get_session()
    found = load_request(request_id)
    form = RatingForm()
    back = redirect(url_for("public.request_page", request_number=found.number))
    if not form.validate_on_submit():
        flash(_("Choose a rating."), "error")
        return back
    if found.requester_id != current_user.id:
        abort(403)  # the object check: only the requester rates, whatever the form says
    with writing(quiet=True) as work:
        services.rate(db, current_user, found, rating=form.rating.data,
                      comment=form.comment.data or "", now=now())
    show(work.error)
    if work.ok:
        flash(_("Thank you. The request is closed.") if found.status == "closed" else
              _("Thank you. The request is reopened and put under supervision; the unit "
                "must handle it again."), "success")
    return back
