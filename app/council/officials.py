"""Officials and resident councils: register a council, run its election, seat the elected."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.collection.forms import ActionForm
from app.council.forms import ConvenorForm, CouncilForm, ElectionForm, fraction
from app.council.support import load_council
from app.db import get_session, writing
from app.implementation.support import today
from app.officials import bp
from app.places import community_options
from proposals.council import services as councils
from proposals.council.models import Council, CouncilTerm
from votes import casting, closing
from votes.people import Assembly, AssemblyKind, User, find_user, roster


@bp.route("/councils", methods=["GET", "POST"])
@allow("official")
def councils_desk():
    db = get_session()
    registered = db.scalars(select(Council).order_by(Council.name)).all()
    taken = {c.name for c in registered}
    form = CouncilForm()
    form.assembly_id.choices = [
        (a.id, _("%(name)s (%(start)d–%(end)d)", name=a.name, start=a.term_start.year,
                 end=a.term_end.year))
        for a in db.scalars(select(Assembly).where(Assembly.kind == AssemblyKind.COUNCIL.value)
                            .order_by(Assembly.name)) if a.name not in taken]
    form.community.choices = community_options()
    if form.validate_on_submit():
        num, den = fraction(form.quorum.data)
        with writing(form, success=_("The council is registered; its present members form its "
                                     "first term.")) as work:
            found = councils.register_council(
                db, current_user, db.get(Assembly, form.assembly_id.data),
                community=form.community.data, size=form.size.data, quorum_num=num,
                quorum_den=den)
        if work.ok:
            return redirect(url_for("public.council", council_id=found.id))
    terms = {c.id: councils.terms(db, c) for c in registered}
    return render_template("council/official_councils.html", councils=registered, form=form,
                           terms=terms)


@bp.route("/councils/<int:council_id>/elections/new", methods=["GET", "POST"])
@allow("official")
def council_election_new(council_id: int):
    db = get_session()
    council = load_council(council_id)
    form = ElectionForm()
    if not form.is_submitted():
        form.title.data = _("Election of %(council)s", council=council.name)
    if form.validate_on_submit():
        names = [n.strip() for n in form.candidates.data.split() if n.strip()]
        people = [find_user(db, n) for n in names]
        unknown = [n for n, p in zip(names, people, strict=True) if p is None]
        if unknown:
            form.candidates.errors = [_("No such account: %(names)s", names=_(", ").join(unknown))]
        else:
            num, den = fraction(form.quorum.data)
            with writing(begin=True, success=_("The election is drafted. Check the candidates, "
                                               "then open it.")) as work:
                term = councils.create_election(
                    db, current_user, load_council(council_id), title=form.title.data,
                    term_start=form.term_start.data, term_end=form.term_end.data,
                    candidates=people, quorum_num=num,
                    quorum_den=den)
            if work.ok:
                return redirect(url_for("officials.council_term", term_id=term.id))
    return render_template("council/election_new.html", form=form, council=council,
                           electorate=len(councils.electorate(db, council)))


def _term(term_id: int) -> CouncilTerm:
    return get_session().get(CouncilTerm, term_id) or abort(404)


@bp.route("/council-terms/<int:term_id>")
@allow("official")
def council_term(term_id: int):
    db = get_session()
    term = _term(term_id)
    ballot = councils.election_ballot(db, term) if term.election_ballot_id else None
    seated = roster(db, term.assembly_id, term.assembly.term_start) if term.seated_at else []
    convenor_form = ConvenorForm()
    convenor_form.user_id.choices = [(u.id, u.display_name) for u in seated]
    chair = councils.convenor(db, term.assembly_id, term.assembly.term_start)
    return render_template(
        "council/election_desk.html", term=term, council=term.council, ballot=ballot,
        result=closing.ballot_result(db, ballot) if ballot and ballot.closed_at else None,
        turnout=casting.turnout(db, ballot) if ballot and ballot.opened_at else (0, 0),
        electorate=len(councils.electorate(db, term.council)), seated=seated, chair=chair,
        options={o.id: o for o in ballot.options} if ballot else {}, form=ActionForm(),
        convenor_form=convenor_form)


def _act(term_id: int, action, done: str, form=None):
    db = get_session()
    form = form if form is not None else ActionForm()
    if not form.validate_on_submit():
        flash(_("The request was incomplete; nothing changed."), "error")
        return redirect(url_for("officials.council_term", term_id=term_id))
    with writing(begin=True, success=done):
        action(db, _term(term_id), form)
    return redirect(url_for("officials.council_term", term_id=term_id))


@bp.route("/council-terms/<int:term_id>/open", methods=["POST"])
@allow("official")
def council_election_open(term_id: int):
    return _act(term_id, lambda db, term, form: councils.open_election(
        db, current_user, term, today()),
        _("The election is open to the community's registered residents."))


@bp.route("/council-terms/<int:term_id>/close", methods=["POST"])
@allow("official")
def council_election_close(term_id: int):
    return _act(term_id, lambda db, term, form: councils.close_election(db, current_user, term),
                _("The election is closed, counted and published."))


@bp.route("/council-terms/<int:term_id>/seat", methods=["POST"])
@allow("official")
def council_election_seat(term_id: int):
    return _act(term_id, lambda db, term, form: councils.seat_elected(db, current_user, term),
                _("The elected members have taken their seats for the new term."))


@bp.route("/council-terms/<int:term_id>/convenor", methods=["POST"])
@allow("official")
def council_convenor(term_id: int):
    form = ConvenorForm()
    seated = roster(get_session(), _term(term_id).assembly_id, _term(term_id).assembly.term_start)
    form.user_id.choices = [(u.id, u.display_name) for u in seated]
    return _act(term_id, lambda db, term, form: councils.designate_convenor(
        db, current_user, term, db.get(User, form.user_id.data)),
        _("The convenor is designated."), form)
