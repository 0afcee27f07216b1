"""Duplicates of 接诉即办: an official merges a request into the open request about the same
thing (the desk's page), and a co-requester rates the main request's reply (a resident)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import allow
from app.db import get_session, writing
from app.officials import bp as officials_bp
from app.requests.forms import MergeForm, RatingForm
from app.requests.support import load_request, now, render, show
from app.residents import bp as residents_bp
from proposals.requests import merging


def _merge_page(item, form: MergeForm):
    return render("requests/merge.html", item=item, form=form, is_open=merging.is_open(item),
                  likely=merging.likely_duplicates(get_session(), item),
                  likely_days=merging.LIKELY_DAYS)


@officials_bp.route("/requests/<int:request_id>/merge", methods=["GET", "POST"])
@allow("official")
def request_merge(request_id: int):
    """Mark the request as a duplicate of another open request of its community: chosen from
    the likely ones, or typed by number. The merge is refused whole or done whole."""
    db = get_session()
    found = load_request(request_id)
    form = MergeForm()
    if not form.is_submitted():
        form.expected.data = found.status
    if not form.validate_on_submit():
        return _merge_page(found, form)
    if form.expected.data != found.status:
        flash(_("Request %(number)s changed meanwhile; look again.", number=found.number),
              "error")
        return redirect(url_for("officials.request_merge", request_id=request_id))
    main = merging.find_by_number(db, form.number.data)
    with writing(form, quiet=True) as work:
        merging.merge(db, current_user, found, main, now=now())
    show(work.error, form)
    if not work.ok:
        return _merge_page(found, form)
    flash(_("Request %(number)s is merged into request %(main)s. Its requester, if it has "
            "one, is told and now follows request %(main)s.", number=found.number,
            main=main.number), "success")
    return redirect(url_for("officials.request_handle", request_id=main.id))


@residents_bp.route("/requests/<int:request_id>/co-rate", methods=["POST"])
@allow("resident")
def request_co_rate(request_id: int):
    """The requester of a duplicate merged into this request rates its reply, once."""
    db = get_session()
    found = load_request(request_id)
    form = RatingForm()
    back = redirect(url_for("public.request_page", request_number=found.number))
    if not form.validate_on_submit():
        flash(_("Choose a rating."), "error")
        return back
    if merging.co_requester(db, found, current_user) is None:
        abort(403)  # the object check: only a co-requester rates here, whatever the form says
    with writing(quiet=True) as work:
        merging.rate(db, current_user, found, rating=form.rating.data,
                     comment=form.comment.data or "", now=now())
    show(work.error)
    if work.ok:
        flash(_("Thank you. Your rating counts in the unit’s satisfaction rate."), "success")
    return back
