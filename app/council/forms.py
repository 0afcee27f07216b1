"""Forms of the resident council: elections, topics, meetings, motions, minutes, tasks, ratings."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.council.messages import RATING_LABELS
from app.forms import FlaskForm, choices

QUORUM_LABELS = {
    "1/2": _l("More than half"),
    "2/3": _l("More than two thirds"),
}
ELECTION_QUORUM_LABELS = {
    "1/2": _l("Half of the registered residents"),
    "1/3": _l("A third of the registered residents"),
    "0/1": _l("No quorum"),
}
MAJORITY_LABELS = {
    "simple": _l("More than half of the members present"),
    "two_thirds": _l("Two thirds of the members present"),
}


def fraction(text: str) -> tuple[int, int]:
    num, den = (int(x) for x in text.split("/"))
    return num, den


class CouncilForm(FlaskForm):
    assembly_id = SelectField(_l("Council assembly"), coerce=int)
    # A community of the list of places, grouped by street: its verified residents elect it.
    community = SelectField(_l("Community"),
                            description=_l("Its verified residents elect the council."),
                            validators=[DataRequired()],
                            render_kw={"data-places": _l("Street")})  # static/js/places.js
    size = IntegerField(lazy_pgettext("council size", "Seats"),
                        validators=[DataRequired(), NumberRange(min=3, max=99)])
    quorum = SelectField(_l("A meeting is quorate with"), choices=choices(QUORUM_LABELS))
    submit = SubmitField(_l("Register the council"))


class ElectionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    term_start = DateField(_l("Term begins"), validators=[DataRequired()])
    term_end = DateField(_l("Term ends"), validators=[DataRequired()])
    candidates = TextAreaField(
        lazy_pgettext("a person standing", "Candidates"),
        description=_l("Usernames of residents registered in the community, one per line."),
        validators=[DataRequired(), Length(max=4000)])
    quorum = SelectField(_l("Quorum: ballots cast must reach"),
                         choices=choices(ELECTION_QUORUM_LABELS))
    submit = SubmitField(_l("Draft the election"))


class ConvenorForm(FlaskForm):
    user_id = SelectField(_l("Convenor (召集人)"), coerce=int)
    submit = SubmitField(_l("Designate"))


class TopicForm(FlaskForm):
    title = StringField(_l("Topic"), description=_l("Up to 80 characters."),
                        validators=[DataRequired(), Length(max=80)])
    description = TextAreaField(_l("What is the matter?"),
                                validators=[DataRequired(), Length(max=2000)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    cycle_id = SelectField(_l("For a council cycle (optional)"), coerce=int)
    submit = SubmitField(_l("Raise the topic"))


class MeetingForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    starts_at = StringField(_l("Time (optional)"), validators=[
        Optional(), Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("Write the time as 19:30."))])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Plan the meeting"))


class AgendaForm(FlaskForm):
    topic_id = SelectField(_l("Topic"), coerce=int)
    submit = SubmitField(_l("Add to the agenda"))


class MotionForm(FlaskForm):
    motion = TextAreaField(_l("Motion"), validators=[DataRequired(), Length(max=1000)])
    majority = SelectField(_l("Majority needed"), choices=choices(MAJORITY_LABELS))
    roll_call = BooleanField(_l("Roll-call vote (记名): publish each member's vote"))
    submit = SubmitField(_l("Put the motion to the vote"))


class DeferForm(FlaskForm):
    reason = TextAreaField(_l("Reason for deferring"),
                           validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Defer"))


class MinutesForm(FlaskForm):
    minutes = TextAreaField(_l("Minutes"), validators=[Length(max=20_000)])
    reason = StringField(_l("Reason for the change"),
                         description=_l("Required once the minutes are approved; it is "
                                        "published with the change."),
                         validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Save the minutes"))


class ActionItemForm(FlaskForm):
    title = StringField(_l("Task"), validators=[DataRequired(), Length(max=200)])
    assignee_id = SelectField(_l("Member"), coerce=int)
    outside_party = StringField(_l("Outside party contacted (optional)"),
                                description=_l("e.g. property management, the power "
                                               "supplier, a government department."),
                                validators=[Optional(), Length(max=80)])
    due_on = DateField(_l("Due"), validators=[DataRequired()])
    submit = SubmitField(_l("Add the task"))


class DoneForm(FlaskForm):
    outcome = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Mark done"))


class ReportForm(FlaskForm):
    result = TextAreaField(_l("Report to the resident"),
                           validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Report back"))


class RatingForm(FlaskForm):
    rating = RadioField(_l("How was your topic handled?"), choices=choices(RATING_LABELS),
                        validators=[DataRequired()])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Send my rating"))


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment on the agenda"),
                         validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Comment"))
