"""Forms of the ballot: its rules, attendance, a delegate's choices, paper totals, ties."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import FlaskForm, WanYuanField, choices
from proposals.shortlist.services import COST_MAX

METHOD_LABELS = {
    "YNA": _l("Yes / no / abstain on each candidate (赞成/反对/弃权)"),
    "YN": _l("Yes / no on each candidate"),
    "Y": _l("Approval: tick the candidates you support"),
}
BASE_LABELS = {
    "entitled": _l("All delegates on the roster (全体代表)"),
    "present": _l("Delegates present (出席代表)"),
    "cast": _l("Ballots cast (有效票)"),
    "yes_no": _l("Yes and no votes on the candidate"),
}
MAJORITY_LABELS = {
    "simple": _l("More than half"),
    "two_thirds": _l("Two thirds"),
    "three_quarters": _l("Three quarters"),
}
MODE_LABELS = {
    "electronic": _l("Electronically only"),
    "mixed": _l("Paper or electronic, as each delegate chooses (混合：纸质与电子)"),
}
QUORUM_LABELS = {
    "1/2": _l("Half of the delegates"),
    "2/3": _l("Two thirds of the delegates"),
    "0/1": _l("No quorum"),
}


class BallotRulesForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    method = SelectField(_l("Voting method"), choices=choices(METHOD_LABELS))
    threshold_base = SelectField(_l("Majority of"), choices=choices(BASE_LABELS))
    majority = SelectField(_l("Majority needed"), choices=choices(MAJORITY_LABELS))
    quorum = SelectField(_l("Quorum: ballots cast must reach"), choices=choices(QUORUM_LABELS))
    seats = IntegerField(_l("Projects to adopt"),
                         validators=[DataRequired(), NumberRange(min=1, max=1000)])
    budget_cap = WanYuanField(
        _l("Budget cap (万元, optional)"),
        description=_l("In 万元. A passing candidate that no longer fits is skipped for the "
                       "next one."),
        validators=[Optional()], minimum=1, maximum=COST_MAX,
    )
    max_selections = IntegerField(
        _l("Approval: most candidates one may tick (optional)"),
        validators=[Optional(), NumberRange(min=1, max=1000)],
    )
    check_in_required = BooleanField(
        _l("Delegates must check in before they vote"),
        description=_l("Always so when the majority is of the delegates present."))
    roll_call = BooleanField(_l("Roll-call vote (记名): publish each delegate's vote"))
    mode = SelectField(_l("How delegates vote"), choices=choices(MODE_LABELS),
                       default="electronic",
                       description=_l("Paper or electronic: the teller marks on the roster who "
                                      "takes a paper ballot, and enters the paper count at the "
                                      "end. Not for a roll-call vote."))
    submit = SubmitField(_l("Create the ballot"))


class CheckInForm(FlaskForm):
    code = StringField(_l("Check-in code shown in the hall"),
                       validators=[DataRequired(), Length(max=12)])
    submit = SubmitField(_l("Check in"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Record"))


class ConfirmForm(FlaskForm):
    """An irreversible act, done only once its page has been read and this box ticked."""

    confirm = BooleanField(_l("I have read the above and want to go ahead"))


class TrackerForm(FlaskForm):
    class Meta:
        csrf = False  # a GET lookup that changes nothing

    tracker = StringField(_l("Receipt code"), validators=[DataRequired(), Length(max=20)])
