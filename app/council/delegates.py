"""Council members' desk: meetings, agenda, attendance, motions, minutes, tasks, reporting back."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.collection.forms import ActionForm
from app.council.forms import (
    ActionItemForm,
    AgendaForm,
    DeferForm,
    DoneForm,
    MeetingForm,
    MinutesForm,
    MotionForm,
    ReportForm,
)
from app.council.support import load_council
from app.db import get_session, writing
from app.delegates import bp
from app.implementation.support import today
from app.numbers import form_ints
from proposals.council import loop, meetings
from proposals.council import services as councils
from proposals.council.models import ActionItem, AgendaItem, Attendance, Meeting, Topic
from proposals.council.rules import SCHEDULABLE, TopicState
from proposals.council.topics import topics_of
from votes import casting
from votes.ballots import Ballot, BallotRosterEntry, BallotStatus, VoterRecord
from votes.people import User, roster


def _run(back: str, service, done: str, form=None):
    """Validate, run one write service in a fresh transaction, commit once, say what happened."""
    db = get_session()
    form = form if form is not None else ActionForm()
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        flash(errors[0] if errors else _("The request was incomplete; nothing changed."),
              "error")
        return redirect(back)
    with writing(begin=True, success=done):
        service(db, form)
    return redirect(back)


@bp.route("/council")
@allow("delegate")
def council_desk():
    db = get_session()
    day = today()
    seats = []
    # The open ballots this member may vote in (a council's own vote on its cycle, a motion).
    mine = db.scalars(
        select(Ballot).join(BallotRosterEntry, BallotRosterEntry.ballot_id == Ballot.id)
        .where(BallotRosterEntry.user_id == current_user.id,
               Ballot.status == BallotStatus.OPEN).order_by(Ballot.id)).all()
    voted = set(db.scalars(select(VoterRecord.ballot_id).where(
        VoterRecord.user_id == current_user.id,
        VoterRecord.ballot_id.in_([b.id for b in mine]))))
    for council in councils.councils_of(db, current_user, day):
        term = councils.current_term(db, council, day)
        chair = councils.convenor(db, term.assembly_id, day)
        seats.append({
            "ballots": [b for b in mine if b.assembly_id == term.assembly_id],
            "council": council, "convenor": chair,
            "is_convenor": chair is not None and chair.id == current_user.id,
            "waiting": topics_of(db, council, states=SCHEDULABLE),
            "in_hand": topics_of(db, council, states=(TopicState.DECIDED,
                                                      TopicState.IN_PROGRESS)),
            "meetings": [m for m in meetings.meetings_of(db, council) if not m.approved],
        })
    tasks = loop.actions_for(db, current_user)
    return render_template("council/desk.html", seats=seats, tasks=tasks, voted=voted,
                           lights={t.id: loop.light(t, day) for t in tasks})


@bp.route("/councils/<int:council_id>/meetings/new", methods=["GET", "POST"])
@allow("delegate")
def council_meeting_new(council_id: int):
    db = get_session()
    council = load_council(council_id)
    form = MeetingForm()
    if form.validate_on_submit():
        with writing(success=_("The meeting is planned. Members can now put topics on its "
                               "agenda.")) as work:
            meeting = meetings.plan_meeting(db, current_user, council, held_on=form.held_on.data,
                                            place=form.place.data, today=today(),
                                            starts_at=form.starts_at.data)
        if work.ok:
            return redirect(url_for("delegates.council_meeting", meeting_id=meeting.id))
    return render_template("council/meeting_new.html", form=form, council=council)


def _meeting(meeting_id: int) -> Meeting:
    return get_session().get(Meeting, meeting_id) or abort(404)


def _back(meeting_id: int) -> str:
    return url_for("delegates.council_meeting", meeting_id=meeting_id)


@bp.route("/council/meetings/<int:meeting_id>")
@allow("delegate")
def council_meeting(meeting_id: int):
    db = get_session()
    meeting = _meeting(meeting_id)
    seated = roster(db, meeting.assembly_id, meeting.held_on)
    chair = councils.convenor(db, meeting.assembly_id, meeting.held_on)
    attendance = {a.user_id: a.present for a in db.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id))}
    agenda_form = AgendaForm()
    agenda_form.topic_id.choices = [(t.id, t.title) for t in topics_of(
        db, meeting.council, states=SCHEDULABLE)]
    ballots = {b.id: b for b in db.scalars(select(Ballot).where(
        Ballot.id.in_([i.ballot_id for i in meeting.items if i.ballot_id])))}
    minutes_form = MinutesForm(minutes=meeting.minutes)
    return render_template(
        "council/meeting_desk.html", meeting=meeting, council=meeting.council, members=seated,
        is_member=any(u.id == current_user.id for u in seated),
        is_convenor=chair is not None and chair.id == current_user.id, convenor=chair,
        attendance=attendance, ballots=ballots,
        turnout={i: casting.turnout(db, b) for i, b in ballots.items() if b.opened_at},
        quorum=meetings.meeting_quorum(db, meeting) if meeting.attendance_recorded_at else None,
        agenda_form=agenda_form, motion_form=MotionForm(), defer_form=DeferForm(),
        minutes_form=minutes_form, form=ActionForm(), today=today())


@bp.route("/council/meetings/<int:meeting_id>/agenda", methods=["POST"])
@allow("delegate")
def council_agenda_add(meeting_id: int):
    def add(db, form):
        topic = db.get(Topic, form.topic_id.data) or abort(404)
        meetings.add_to_agenda(db, current_user, _meeting(meeting_id), topic, today())

    form = AgendaForm()
    form.topic_id.choices = [(n, str(n)) for n in form_ints("topic_id")]
    return _run(_back(meeting_id), add, _("The topic is on the agenda."), form)


@bp.route("/council/meetings/<int:meeting_id>/attendance", methods=["POST"])
@allow("delegate")
def council_attendance(meeting_id: int):
    present = set(form_ints("present"))
    return _run(_back(meeting_id), lambda db, form: meetings.record_attendance(
        db, current_user, _meeting(meeting_id), present, today()),
        _("The attendance is recorded."))


def _item(item_id: int) -> AgendaItem:
    return get_session().get(AgendaItem, item_id) or abort(404)


@bp.route("/council/agenda/<int:agenda_item_id>/motion", methods=["POST"])
@allow("delegate")
def council_motion(agenda_item_id: int):
    item = _item(agenda_item_id)
    return _run(_back(item.meeting_id), lambda db, form: meetings.put_motion(
        db, current_user, _item(agenda_item_id), form.motion.data, today=today(),
        secret=not form.roll_call.data, majority=form.majority.data),
        _("The motion is put to the vote. Members present can vote now."), MotionForm())


@bp.route("/council/agenda/<int:agenda_item_id>/close", methods=["POST"])
@allow("delegate")
def council_motion_close(agenda_item_id: int):
    item = _item(agenda_item_id)
    return _run(_back(item.meeting_id), lambda db, form: meetings.close_motion(
        db, current_user, _item(agenda_item_id), today()),
        _("The vote is closed, counted and published."))


@bp.route("/council/agenda/<int:agenda_item_id>/defer", methods=["POST"])
@allow("delegate")
def council_defer(agenda_item_id: int):
    item = _item(agenda_item_id)
    return _run(_back(item.meeting_id), lambda db, form: meetings.defer_item(
        db, current_user, _item(agenda_item_id), form.reason.data, today()),
        _("The item is deferred."), DeferForm())


@bp.route("/council/meetings/<int:meeting_id>/minutes", methods=["POST"])
@allow("delegate")
def council_minutes(meeting_id: int):
    return _run(_back(meeting_id), lambda db, form: meetings.save_minutes(
        db, current_user, _meeting(meeting_id), form.minutes.data, form.reason.data),
        _("The minutes are saved."), MinutesForm())


@bp.route("/council/meetings/<int:meeting_id>/approve", methods=["POST"])
@allow("delegate")
def council_approve(meeting_id: int):
    return _run(_back(meeting_id), lambda db, form: meetings.approve_minutes(
        db, current_user, _meeting(meeting_id), today()),
        _("The minutes are approved and published."))


# --- after the decision ---------------------------------------------------------------------


def _topic(topic_id: int) -> Topic:
    return get_session().get(Topic, topic_id) or abort(404)


def _topic_back(topic_id: int) -> str:
    return url_for("delegates.council_topic", topic_id=topic_id)


def _member_choices(topic: Topic) -> list[tuple[int, str]]:
    seated = councils.members(get_session(), topic.council, today())
    return [(0, _("— nobody: an outside party —"))] + [(u.id, u.display_name) for u in seated]


@bp.route("/council/topics/<int:topic_id>")
@allow("delegate")
def council_topic(topic_id: int):
    db = get_session()
    topic = _topic(topic_id)
    day = today()
    term = councils.current_term(db, topic.council, day)
    chair = councils.convenor(db, term.assembly_id, day) if term else None
    action_form = ActionItemForm()
    action_form.assignee_id.choices = _member_choices(topic)
    return render_template(
        "council/topic_desk.html", topic=topic, council=topic.council,
        is_convenor=chair is not None and chair.id == current_user.id,
        lights={a.id: loop.light(a, day) for a in topic.actions}, action_form=action_form,
        done_form=DoneForm(), report_form=ReportForm(), open_actions=loop.open_actions(topic))


@bp.route("/council/topics/<int:topic_id>/actions", methods=["POST"])
@allow("delegate")
def council_action_add(topic_id: int):
    form = ActionItemForm()
    form.assignee_id.choices = _member_choices(_topic(topic_id))

    def add(db, form):
        assignee = db.get(User, form.assignee_id.data) if form.assignee_id.data else None
        loop.add_action_item(db, current_user, _topic(topic_id), title=form.title.data,
                             due_on=form.due_on.data, today=today(), assignee=assignee,
                             outside_party=form.outside_party.data)

    return _run(_topic_back(topic_id), add, _("The task is added."), form)


@bp.route("/council/actions/<int:action_id>/done", methods=["POST"])
@allow("delegate")
def council_action_done(action_id: int):
    action = get_session().get(ActionItem, action_id) or abort(404)
    topic_id = action.topic_id
    return _run(_topic_back(topic_id), lambda db, form: loop.complete_action_item(
        db, current_user, db.get(ActionItem, action_id), form.outcome.data, today()),
        _("The task is marked done."), DoneForm())


@bp.route("/council/topics/<int:topic_id>/report", methods=["POST"])
@allow("delegate")
def council_report(topic_id: int):
    return _run(_topic_back(topic_id), lambda db, form: loop.report_back(
        db, current_user, _topic(topic_id), form.result.data, today()),
        _("The resident is told of the result and asked to rate it."), ReportForm())
