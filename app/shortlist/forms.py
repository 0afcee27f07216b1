"""Forms of the shortlist: screening decisions, candidate projects, budget and submission."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.forms import WAN_HELP, FlaskForm, WanYuanField, choices, money_required
from app.numbers import whole_number
from proposals.shortlist.services import (
    COST_MAX,
    FUNDING_MAX,
    LOCATION_MAX,
    NOTE_MAX,
    REASON_MAX,
    UNIT_MAX,
)

DECLINE_GROUNDS = {
    "over_budget": _l("Beyond the budget (超出财力)"),
    "not_government_duty": _l("Not the government's duty (不属于政府职责)"),
    "planned_elsewhere": _l("Already in another plan (已列入其他计划)"),
    "not_feasible": _l("Cannot be carried out (不具备实施条件)"),
    "other": _l("Other (其他)"),
}
NUMBERS_MAX = 2000  # some hundreds of proposal numbers: more than any project answers
NUMBERS = Regexp(r"^[0-9\s,，、]*$", message=_l("Proposal numbers separated by commas."))


def _parts(text: str | None) -> list[str]:
    cleaned = (text or "").replace("，", ",").replace("、", ",").replace(" ", ",")
    return [part.strip() for part in cleaned.split(",") if part.strip()]


def numbers(text: str | None) -> list[int]:
    """The proposal numbers typed, in order (what is not a number is left out)."""
    found = (whole_number(part) for part in _parts(text))
    return [n for n in found if n is not None]


def numbers_exist(_form, field) -> None:
    """Every typed number must be one a proposal could have (so a huge one is named)."""
    for part in _parts(field.data):
        if part.isascii() and part.isdigit() and whole_number(part) is None:
            raise ValidationError(_l("There is no proposal number %(n)s.", n=part[:20]))


class AssignForm(FlaskForm):
    assignee_id = SelectField(_l("Evaluator"), coerce=int)
    submit = SubmitField(_l("Assign"))


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Internal note"), description=_l("Seen by officials only; never published."),
        validators=[DataRequired(), Length(max=NOTE_MAX)],
    )
    submit = SubmitField(_l("Add note"))


class DeclineForm(FlaskForm):
    ground = SelectField(_l("Ground"), choices=choices(DECLINE_GROUNDS, blank=True),
                         validators=[DataRequired()])
    reason = TextAreaField(
        _l("Public reason"),
        description=_l("Shown to the proposer, the followers and the public."),
        validators=[DataRequired(), Length(max=REASON_MAX)],
    )
    submit = SubmitField(_l("Decline with this reason"))


class CandidateForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=80)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=4000)])
    responsible_unit = StringField(
        _l("Responsible unit"), description=_l("e.g. 区住建委"),
        validators=[DataRequired(), Length(max=UNIT_MAX)],
    )
    estimated_cost = WanYuanField(
        _l("Estimated cost (万元)"), description=WAN_HELP,
        validators=[money_required], minimum=1, maximum=COST_MAX,
    )
    funding_source = StringField(
        _l("Funding source"), description=_l("e.g. 区级财政"),
        validators=[DataRequired(), Length(max=FUNDING_MAX)],
    )
    policy_basis = TextAreaField(_l("Policy basis"), validators=[Optional(), Length(max=4000)])
    feasibility = TextAreaField(_l("Feasibility notes"),
                                validators=[Optional(), Length(max=4000)])
    expected_completion = DateField(_l("Expected completion"), validators=[DataRequired()])
    location = StringField(_l("Location"), validators=[DataRequired(), Length(max=LOCATION_MAX)])
    proposal_numbers = StringField(
        _l("Source proposals (numbers)"),
        description=_l("Numbers of the proposals this project answers, e.g. 12, 15, 31."),
        validators=[Optional(), Length(max=NUMBERS_MAX), NUMBERS, numbers_exist],
    )
    reason = StringField(
        _l("Reason for the amendment"),
        description=_l("Required once the shortlist has been submitted; shown publicly."),
        validators=[Optional(), Length(max=REASON_MAX)],
    )
    submit = SubmitField(_l("Save candidate"))


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Remove candidate"))


class FrameForm(FlaskForm):
    budget = WanYuanField(_l("Budget (万元)"), description=WAN_HELP,
                          validators=[money_required], minimum=1, maximum=COST_MAX)
    seats = IntegerField(_l("Projects to adopt"),
                         validators=[DataRequired(), NumberRange(min=1, max=1000)])
    submit = SubmitField(_l("Save"))


class SubmitShortlistForm(FlaskForm):
    confirm = BooleanField(_l("I have read the warnings and submit the shortlist anyway"))
    submit = SubmitField(_l("Submit the shortlist to the assembly"))
