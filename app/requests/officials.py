"""Officials and 接诉即办: the dispatch desk, a unit's queue, handling one, the supervision list."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.access import allow
from app.collection.forms import ActionForm
from app.db import get_session, writing
from app.forms import choices
from app.officials import bp
from app.pagination import paginate
from app.places import community_options
from app.requests.forms import (
    ENTRY_CHANNELS,
    DispatchForm,
    EntryForm,
    PauseForm,
    ReplyForm,
    StepForm,
)
from app.requests.messages import CHANNEL_LABELS
from app.requests.support import clock_of, load_request, now, render, show
from app.templating import CATEGORY_LABELS
from proposals.requests import queries, services
from proposals.requests.models import Unit
from votes.people import User, find_user

PAGE_SIZE = 20


@bp.route("/requests/new", methods=["GET", "POST"])
@allow("official")
def request_enter():
    """Enter a request received by the 12345 hotline or at a liaison station."""
    db = get_session()
    form = EntryForm()
    form.category.choices = choices(CATEGORY_LABELS, blank=True)
    form.channel.choices = choices({c: CHANNEL_LABELS[c] for c in ENTRY_CHANNELS}, blank=True)
    form.community.choices = community_options()
    if form.validate_on_submit():
        draft = services.Draft(title=form.title.data, description=form.description.data,
                               category=form.category.data, community=form.community.data,
                               urgency=form.urgency.data)
        username = (form.requester.data or "").strip()
        requester = find_user(db, username) if username else None
        if username and requester is None:
            form.requester.errors = [*form.requester.errors,
                                     _("There is no account with this username.")]
        else:
            with writing(form, quiet=True) as work:
                made = services.raise_request(db, current_user, draft,
                                              channel=form.channel.data, now=now(),
                                              requester=requester)
            show(work.error, form)
            if work.ok:
                flash(_("Request %(number)s is received; it waits on the dispatch desk.",
                        number=made.number), "success")
                return redirect(url_for("officials.request_dispatch_desk"))
    return render("requests/enter.html", form=form)


def _dispatch_form(item, units) -> DispatchForm:
    form = DispatchForm(prefix=f"r{item.id}")
    form.unit_id.choices = [(0, _("— choose —"))] + [(u.id, u.name) for u in units]
    if not form.is_submitted():
        form.expected.data = item.status
    return form


@bp.route("/requests/dispatch")
@allow("official")
def request_dispatch_desk():
    """Every request awaiting dispatch, or one community's queue (?community=…)."""
    db = get_session()
    known = queries.awaiting_communities(db)
    chosen = request.args.get("community", "").strip()
    chosen = chosen if chosen in known else None
    page = paginate(db, queries.awaiting_dispatch(chosen), PAGE_SIZE)
    units = services.units(db)
    forms = {r.id: _dispatch_form(r, units) for r in page.items}
    return render("requests/dispatch.html", page=page, forms=forms, has_units=bool(units),
                  communities=known, chosen=chosen)


@bp.route("/requests/<int:request_id>/dispatch", methods=["POST"])
@allow("official")
def request_dispatch(request_id: int):
    db = get_session()
    found = load_request(request_id)
    form = _dispatch_form(found, services.units(db))
    if not form.validate_on_submit() or not form.unit_id.data:
        flash(_("Choose the unit to send request %(number)s to.", number=found.number),
              "error")
        return redirect(url_for("officials.request_dispatch_desk"))
    if form.expected.data != found.status:
        flash(_("Request %(number)s changed meanwhile; look again.", number=found.number),
              "error")
        return redirect(url_for("officials.request_dispatch_desk"))
    unit = db.get(Unit, form.unit_id.data)
    with writing(quiet=True) as work:
        services.dispatch(db, current_user, found, unit, note=form.note.data or "", now=now())
    show(work.error)
    if work.ok:
        flash(_("Request %(number)s is sent to %(unit)s.", number=found.number,
                unit=unit.name), "success")
    return redirect(url_for("officials.request_dispatch_desk"))


@bp.route("/requests/queue")
@allow("official")
def request_queue():
    db = get_session()
    unit = services.unit_of(db, current_user)
    items = queries.unit_queue(db, unit) if unit else []
    moment = now()
    return render("requests/queue.html", unit=unit, items=items,
                  clocks={r.id: clock_of(r, moment) for r in items},
                  answered=queries.unit_answered(db, unit) if unit else [])


def _forms(item) -> dict:
    forms = {"sign": StepForm(prefix="sign"), "resume": StepForm(prefix="resume"),
             "pause": PauseForm(prefix="pause"), "reply": ReplyForm(prefix="reply")}
    for form in forms.values():
        if not form.is_submitted():
            form.expected.data = item.status
    return forms


def _handling_page(item, forms=None):
    db = get_session()
    moment = now()
    return render("requests/handle.html", item=item, events=queries.history(db, item),
                  pauses=queries.pauses(db, item), ratings=queries.ratings(db, item),
                  clock=clock_of(item, moment), forms=forms or _forms(item),
                  is_unit=services.is_unit_of(db, current_user, item),
                  requester=db.get(User, item.requester_id) if item.requester_id else None)


@bp.route("/requests/<int:request_id>")
@allow("official")
def request_handle(request_id: int):
    """Any official may read the whole request (with its requester); only its unit acts."""
    return _handling_page(load_request(request_id))


def _step(request_id: int, name: str, act, done: str):
    """One of the unit's steps: the form valid and drawn in the request's present state, the
    official the unit's own (else 403), then the service in one unit of work."""
    db = get_session()
    found = load_request(request_id)
    forms = _forms(found)
    form = forms[name]
    if not form.validate_on_submit():
        if not form.expected.data:
            return redirect(url_for("officials.request_handle", request_id=request_id))
        return _handling_page(found, forms)
    if not services.is_unit_of(db, current_user, found):
        abort(403)
    if form.expected.data != found.status:
        flash(_("The request changed meanwhile; look again."), "error")
        return redirect(url_for("officials.request_handle", request_id=request_id))
    with writing(form, quiet=True) as work:
        act(db, found, form)
    show(work.error, form)
    if not work.ok:
        return _handling_page(found, forms)
    flash(done, "success")
    return redirect(url_for("officials.request_handle", request_id=request_id))


@bp.route("/requests/<int:request_id>/sign", methods=["POST"])
@allow("official")
def request_sign(request_id: int):
    return _step(request_id, "sign",
                 lambda db, r, f: services.sign(db, current_user, r, now=now()),
                 _("Signed for. The resolution deadline is on the page."))


@bp.route("/requests/<int:request_id>/pause", methods=["POST"])
@allow("official")
def request_pause(request_id: int):
    return _step(request_id, "pause",
                 lambda db, r, f: services.pause(db, current_user, r, reason=f.reason.data,
                                                 now=now()),
                 _("The clock is stopped while you wait for the requester."))


@bp.route("/requests/<int:request_id>/resume", methods=["POST"])
@allow("official")
def request_resume(request_id: int):
    return _step(request_id, "resume",
                 lambda db, r, f: services.resume(db, current_user, r, now=now()),
                 _("The clock runs again; the deadline moved on by the time it was stopped."))


@bp.route("/requests/<int:request_id>/reply", methods=["POST"])
@allow("official")
def request_reply(request_id: int):
    return _step(request_id, "reply",
                 lambda db, r, f: services.reply(db, current_user, r, text=f.text.data,
                                                 now=now()),
                 _("Your reply is sent to the requester and published."))


@bp.route("/requests/supervision")
@allow("official")
def request_supervision():
    db = get_session()
    page = paginate(db, queries.supervision_list(), PAGE_SIZE)
    moment = now()
    return render("requests/supervision.html", page=page, form=ActionForm(),
                  clocks={e.request_id: clock_of(e.request, moment) for e in page.items})


@bp.route("/requests/supervision/check", methods=["POST"])
@allow("official")
def request_check_limits():
    db = get_session()
    if ActionForm().validate_on_submit():
        with writing(quiet=True) as work:
            made = services.record_missed_limits(db, now())
        show(work.error)
        if work.ok:
            flash(ngettext("Limits checked: %(num)d request put under supervision.",
                           "Limits checked: %(num)d requests put under supervision.", made),
                  "success")
    return redirect(url_for("officials.request_supervision"))
