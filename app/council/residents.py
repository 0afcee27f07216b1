"""A resident and the council: raise topics, rate their handling, comment, elect the council."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.ballots.marks import reviewable_choices, submitted_choices
from app.collection.forms import ActionForm
from app.council.forms import CommentForm, RatingForm, TopicForm
from app.council.support import load_council
from app.db import get_session, writing
from app.forms import choices
from app.implementation.support import today
from app.residents import bp
from app.templating import CATEGORY_LABELS
from proposals.council import services as councils
from proposals.council.loop import rate_topic
from proposals.council.meetings import comment_on_agenda
from proposals.council.models import Council, CouncilTerm, Meeting, Topic
from proposals.council.topics import council_cycle_ids, may_raise, raise_topic, topics_raised_by
from proposals.cycles.models import Cycle
from votes import casting
from votes.ballots import VoterRecord
from votes.base import DomainError


@bp.route("/council")
@allow("resident")
def council_topics():
    db = get_session()
    return render_template("council/my_topics.html", topics=topics_raised_by(db, current_user),
                           councils=db.scalars(select(Council).order_by(Council.name)).all())


@bp.route("/councils/<int:council_id>/topics/new", methods=["GET", "POST"])
@allow("resident")
def council_raise(council_id: int):
    db = get_session()
    council = load_council(council_id)
    form = TopicForm()
    form.category.choices = choices(CATEGORY_LABELS, blank=True)
    form.cycle_id.choices = [(0, _("Any time"))] + [
        (c.id, c.title) for c in (db.get(Cycle, i) for i in council_cycle_ids(db, council))]
    if form.validate_on_submit():
        with writing(form, success=_("Your topic is received. You will be told of each step "
                                     "the council takes.")) as work:
            topic = raise_topic(db, current_user, council, title=form.title.data,
                                description=form.description.data,
                                category=form.category.data, today=today(),
                                cycle_id=form.cycle_id.data or None)
        if work.ok:
            return redirect(url_for("public.council_topic", topic_id=topic.id))
    return render_template("council/topic_new.html", form=form, council=council,
                           may_raise=may_raise(db, current_user, council, today()))


@bp.route("/council/topics/<int:topic_id>/rate", methods=["POST"])
@allow("resident")
def council_rate(topic_id: int):
    db = get_session()
    topic = db.get(Topic, topic_id) or abort(404)
    form = RatingForm()
    if not form.validate_on_submit():
        flash(_("Choose a rating."), "error")
        return redirect(url_for("public.council_topic", topic_id=topic_id))
    with writing() as work:
        state = rate_topic(db, current_user, topic, form.rating.data, form.comment.data, today())
    if work.ok:
        flash(_("Thank you. The topic is closed.") if state == "closed" else
              _("Thank you. The topic is reopened for the council's next meeting."), "success")
    return redirect(url_for("public.council_topic", topic_id=topic_id))


@bp.route("/council/meetings/<int:meeting_id>/comment", methods=["POST"])
@allow("resident")
def council_comment(meeting_id: int):
    db = get_session()
    meeting = db.get(Meeting, meeting_id) or abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        with writing(success=_("Your comment is published.")):
            comment_on_agenda(db, current_user, meeting, form.body.data, today())
    else:
        flash(_("Write a comment first."), "error")
    return redirect(url_for("public.council_meeting", meeting_id=meeting_id))


# --- electing the council -------------------------------------------------------------------


def _election(term_id: int):
    db = get_session()
    term = db.get(CouncilTerm, term_id) or abort(404)
    try:
        return term, councils.election_ballot(db, term)
    except DomainError:
        abort(404)


def _election_page(term_id: int, **extra):
    db = get_session()
    term, ballot = _election(term_id)
    entry = casting.roster_entry(db, ballot.id, current_user.id) if ballot.opened_at else None
    return render_template(
        "council/election_ballot.html", term=term, ballot=ballot, rules=ballot.rules,
        entry=entry, voted=db.get(VoterRecord, (ballot.id, current_user.id)) is not None,
        turnout=casting.turnout(db, ballot) if ballot.opened_at else (0, 0), form=ActionForm(),
        marks=extra.pop("marks", {}), **extra)


@bp.route("/council/elections/<int:term_id>")
@allow("resident")
def council_election(term_id: int):
    return _election_page(term_id)


@bp.route("/council/elections/<int:term_id>/review", methods=["POST"])
@allow("resident")
def council_election_review(term_id: int):
    """Show the resident whom they ticked before anything is recorded."""
    term, ballot = _election(term_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("residents.council_election", term_id=term_id))
    marks, allowed = reviewable_choices(ballot)
    if not allowed:
        return _election_page(term_id, marks=marks)
    return render_template("council/election_review.html", term=term, ballot=ballot,
                           marks=marks, form=ActionForm())


@bp.route("/council/elections/<int:term_id>/cast", methods=["POST"])
@allow("resident")
def council_election_cast(term_id: int):
    db = get_session()
    term, ballot = _election(term_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("residents.council_election", term_id=term_id))
    marks = submitted_choices(ballot)
    ballot_id = ballot.id
    with writing(begin=True) as work:
        tracker = casting.cast_ballot(db, ballot_id, current_user, marks)
    if not work.ok:
        return redirect(url_for("residents.council_election", term_id=term_id))
    # Rendered, not redirected: the receipt is shown once and never put in a URL.
    return render_template("council/election_cast.html", term=term,
                           ballot=_election(term_id)[1], tracker=tracker)
