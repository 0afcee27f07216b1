"""Forms of 接诉即办: raising, dispatching, signing, waiting, replying, rating, merging a
duplicate, the limits, a year's holiday arrangement."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import FlaskForm, choices
from app.requests.messages import RATING_LABELS, URGENCY_LABELS
from proposals.requests.calendar import REFERENCE_MAX, YEARS
from proposals.requests.services import (
    NOTE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    UNIT_NAME_MAX,
)


class RequestForm(FlaskForm):
    title = StringField(_l("What is the problem, in a few words?"),
                        description=_l("e.g. “The street light at gate 3 is out”."),
                        validators=[DataRequired(), Length(max=TITLE_MAX)])
    description = TextAreaField(
        _l("Describe it"),
        description=_l("Where exactly, since when, who is affected. It is published without "
                       "your name: leave out phone numbers and other people’s names."),
        validators=[DataRequired(), Length(max=TEXT_MAX)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    # A community of the list of places, grouped by street (requests' views set the choices).
    community = SelectField(_l("Community"), description=_l("Choose it under its street."),
                            validators=[DataRequired()],
                            render_kw={"data-places": _l("Street")})  # static/js/places.js
    urgency = RadioField(lazy_pgettext("request urgency", "Urgency"),
                         choices=choices(URGENCY_LABELS), default="normal",
                         description=_l("Urgent: a danger to someone’s safety or health, or "
                                        "a loss that grows by the hour."),
                         validators=[DataRequired()])


ENTRY_CHANNELS = ("hotline", "liaison_station")


class EntryForm(RequestForm):
    """A request an official enters for a caller of the 12345 hotline or a liaison station."""

    channel = SelectField(lazy_pgettext("request", "Channel"), validators=[DataRequired()])
    description = TextAreaField(
        _l("Describe it"),
        description=_l("In the caller’s words: where, since when, who is affected. It is "
                       "published without the caller’s name or number."),
        validators=[DataRequired(), Length(max=TEXT_MAX)])
    requester = StringField(
        _l("The resident’s username (optional)"),
        description=_l("When the caller has an account: the request is then theirs to follow "
                       "and rate. Leave empty for a caller without one."),
        validators=[Optional(), Length(max=40)])


class DispatchForm(FlaskForm):
    # The status the page was drawn in: a stale or doubled post is refused, not applied twice.
    expected = HiddenField(validators=[DataRequired()])
    unit_id = SelectField(_l("Responsible unit"), coerce=int, validators=[DataRequired()])
    note = TextAreaField(_l("Note to the unit (optional)"), render_kw={"rows": 2},
                         description=_l("Published in the request’s history."),
                         validators=[Optional(), Length(max=NOTE_MAX)])


class MergeForm(FlaskForm):
    """A duplicate merged into the request about the same thing, chosen or typed by number."""

    expected = HiddenField(validators=[DataRequired()])
    number = StringField(_l("Number of the request it duplicates"),
                         description=_l("An open request of the same community, e.g. "
                                        "2026-000123."),
                         validators=[DataRequired(), Length(max=20)])


class StepForm(FlaskForm):
    """Signing for a request or starting its clock again: nothing to fill in but the state."""

    expected = HiddenField(validators=[DataRequired()])


class PauseForm(FlaskForm):
    expected = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Why are you waiting for the requester?"),
                           description=_l("Published in the request’s history, so do not name "
                                          "the requester: e.g. “The requester will let us in "
                                          "on Saturday.”"),
                           validators=[DataRequired(), Length(max=NOTE_MAX)])


class ReplyForm(FlaskForm):
    expected = HiddenField(validators=[DataRequired()])
    text = TextAreaField(_l("Reply to the requester"),
                         description=_l("What was done, or why it cannot be done and what "
                                        "happens next. It is published: do not name the "
                                        "requester."),
                         validators=[DataRequired(), Length(max=TEXT_MAX)])


class RatingForm(FlaskForm):
    rating = RadioField(_l("How was your request handled?"), choices=choices(RATING_LABELS),
                        validators=[DataRequired()])
    comment = TextAreaField(_l("Comment (optional)"),
                            description=_l("Seen by the unit and the officials, not published."),
                            validators=[Optional(), Length(max=TEXT_MAX)])


class LimitForm(FlaskForm):
    category = HiddenField(validators=[DataRequired()])
    urgency = HiddenField(validators=[DataRequired()])
    sign_hours = IntegerField(_l("Sign for within (hours)"),
                              validators=[InputRequired(), NumberRange(min=1, max=720)])
    resolve_days = IntegerField(_l("Resolve within (working days)"),
                                validators=[InputRequired(), NumberRange(min=1, max=60)])


class UnitForm(FlaskForm):
    name = StringField(_l("Unit"), description=_l("e.g. 区住建委."),
                       validators=[DataRequired(), Length(max=UNIT_NAME_MAX)])
    official = StringField(_l("Username of the official who signs for it"),
                           validators=[DataRequired(), Length(max=40)])


DAYS_TEXT_MAX = 4000


class HolidayForm(FlaskForm):
    """A year's holiday arrangement as the State Council's notice gives it."""

    year = IntegerField(_l("Year"), validators=[InputRequired(),
                                                NumberRange(min=YEARS[0], max=YEARS[1])])
    days_off = TextAreaField(
        _l("Days off (放假)"), render_kw={"rows": 8, "spellcheck": "false"},
        description=_l("Every day off in the notice, weekend days included: one a line or "
                       "separated by commas, as 2027-01-01, or a range as "
                       "2027-02-05..2027-02-13."),
        validators=[Length(max=DAYS_TEXT_MAX)])
    make_up_days = TextAreaField(
        _l("Make-up workdays (调休上班)"), render_kw={"rows": 4, "spellcheck": "false"},
        description=_l("The Saturdays and Sundays worked instead, typed the same way; empty "
                       "if the notice has none."),
        validators=[Length(max=DAYS_TEXT_MAX)])
    reference = StringField(_l("The notice’s reference (optional)"),
                            description=_l("e.g. 国办发明电〔2026〕7号."),
                            validators=[Optional(), Length(max=REFERENCE_MAX)])
