"""Public council pages: members, meetings, decisions, topics, the ledger and its charts."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user
from sqlalchemy import select

from app import charts
from app.auth.access import PUBLIC, allow
from app.council.forms import CommentForm, RatingForm
from app.council.messages import RATING_LABELS, RESOLUTION_BUCKET_LABELS, TOPIC_STATE_LABELS
from app.council.support import load_council
from app.db import get_session
from app.implementation.support import today
from app.public import bp
from app.templating import CATEGORY_LABELS, dateformat
from proposals.council import services as councils
from proposals.council.ledger import (
    category_counts,
    council_satisfaction,
    csv_bytes,
    ledger,
    resolution_counts,
    xlsx_bytes,
)
from proposals.council.loop import light, ratings_of
from proposals.council.meetings import comments_on, meeting_quorum, meetings_of, revisions_of
from proposals.council.models import AgendaItem, Council, Meeting, Topic
from proposals.council.rules import LOOP_STEPS, STEP_OF, TopicState
from proposals.council.topics import agenda_history
from votes.ballots import Ballot
from votes.people import Role


@bp.route("/councils")
@allow(PUBLIC)
def councils_list():
    db = get_session()
    found = db.scalars(select(Council).order_by(Council.name)).all()
    sizes = {c.id: len(councils.members(db, c, today())) for c in found}
    return render_template("council/index.html", councils=found, sizes=sizes)


@bp.route("/councils/<int:council_id>")
@allow(PUBLIC)
def council(council_id: int):
    db = get_session()
    found = load_council(council_id)
    day = today()
    term = councils.current_term(db, found, day)
    members = councils.members(db, found, day)
    chair = councils.convenor(db, term.assembly_id, day) if term else None
    meetings = meetings_of(db, found)
    decisions = db.execute(
        select(AgendaItem, Meeting).join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Meeting.council_id == found.id, AgendaItem.outcome.is_not(None))
        .order_by(Meeting.held_on.desc(), AgendaItem.position)).all()
    rows = ledger(db, found, day)
    by_category = [(str(CATEGORY_LABELS.get(c, c)), n) for c, n in category_counts(db, found)]
    by_time = [(str(RESOLUTION_BUCKET_LABELS[k]), n) for k, n in resolution_counts(rows)]
    figures = {
        "category": charts.bar_chart([c for c, n in by_category], [n for c, n in by_category],
                                     title=_("Topics by category"), horizontal=True,
                                     x_title=_("Topics")),
        "time": charts.bar_chart([k for k, n in by_time], [n for k, n in by_time],
                                 title=_("Time from raising to closing"),
                                 y_title=_("Closed topics")),
    }
    elections = [t for t in councils.terms(db, found) if t.election_ballot_id]
    return render_template(
        "council/council.html", council=found, term=term, members=members, chair=chair,
        upcoming=[m for m in meetings if m.held_on >= day and not m.approved],
        past=[m for m in meetings if m.held_on < day or m.approved], decisions=decisions,
        rows=rows, figures=figures, by_category=by_category, by_time=by_time,
        satisfaction=council_satisfaction(db, found), elections=elections,
        ballots={b.id: b for b in db.scalars(select(Ballot).where(
            Ballot.id.in_([t.election_ballot_id for t in elections])))})


def ledger_table(rows, day=date.isoformat) -> tuple[list[str], list[list]]:
    """The ledger's header and rows; days as `day` writes them (ISO in the downloads)."""
    headers = [_("No."), _("Topic"), _("Category"), _("Raised by"), _("Raised on"), _("State"),
               _("Owner"), _("Deadline"), _("Overdue"), pgettext("of a council topic", "Result"),
               _("Rating"), _("Closed on"), _("Days to close"), _("Times reopened")]
    table = [[r.id, r.title, str(CATEGORY_LABELS.get(r.category, r.category)), r.raised_by,
              day(r.raised_on), str(TOPIC_STATE_LABELS[r.state]), r.owner,
              day(r.deadline) if r.deadline else "",
              pgettext("it is overdue", "Yes") if r.overdue else "",
              r.result, str(RATING_LABELS[r.rating]) if r.rating else "",
              day(r.resolved_on) if r.resolved_on else "", r.days, r.reopened]
             for r in rows]
    return headers, table


@bp.route("/councils/<int:council_id>/ledger")
@allow(PUBLIC)
def council_ledger(council_id: int):
    db = get_session()
    found = load_council(council_id)
    rows = ledger(db, found, today())
    headers, table = ledger_table(rows, day=dateformat)
    return render_template("council/ledger.html", council=found, rows=rows, headers=headers,
                           table=table)


def _download(body: bytes, mimetype: str, council_id: int, ext: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=council-{council_id}-ledger.{ext}"})


@bp.route("/councils/<int:council_id>/ledger.csv")
@allow(PUBLIC)
def council_ledger_csv(council_id: int):
    found = load_council(council_id)
    headers, table = ledger_table(ledger(get_session(), found, today()))
    return _download(csv_bytes(headers, table), "text/csv", council_id, "csv")


@bp.route("/councils/<int:council_id>/ledger.xlsx")
@allow(PUBLIC)
def council_ledger_xlsx(council_id: int):
    found = load_council(council_id)
    headers, table = ledger_table(ledger(get_session(), found, today()))
    body = xlsx_bytes(headers, table, _("Ledger"))
    return _download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     council_id, "xlsx")


@bp.route("/council-meetings/<int:meeting_id>")
@allow(PUBLIC)
def council_meeting(meeting_id: int):
    db = get_session()
    meeting = db.get(Meeting, meeting_id) or abort(404)
    day = today()
    return render_template(
        "council/meeting.html", meeting=meeting, council=meeting.council,
        quorum=meeting_quorum(db, meeting) if meeting.attendance_recorded_at else None,
        comments=comments_on(db, meeting), revisions=revisions_of(db, meeting),
        may_comment=(current_user.has_role(Role.RESIDENT) and day <= meeting.held_on
                     and meeting.attendance_recorded_at is None),
        # A form only for someone signed in: making one draws a CSRF token into the session,
        # which would keep a visitor's page out of the page cache (app/caching.py).
        form=CommentForm() if current_user.is_authenticated else None)


@bp.route("/council-topics/<int:topic_id>")
@allow(PUBLIC)
def council_topic(topic_id: int):
    db = get_session()
    topic = db.get(Topic, topic_id) or abort(404)
    mine = current_user.is_authenticated and current_user.id == topic.raised_by_id
    return render_template(
        "council/topic.html", topic=topic, council=topic.council, items=agenda_history(db, topic),
        ratings=ratings_of(db, topic), steps=LOOP_STEPS, step=STEP_OF[TopicState(topic.state)],
        lights={a.id: light(a, today()) for a in topic.actions},
        may_rate=mine and topic.state == TopicState.REPORTED,
        form=RatingForm() if current_user.is_authenticated else None)
