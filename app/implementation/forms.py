"""Forms of implementation: projects, milestones, reports, inspections, answers, 督办, CSV."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import FlaskForm, WanYuanField, choices, money_required
from app.implementation.messages import GROUNDS_LABELS, PROGRESS_MODE_LABELS
from app.uploads import PHOTO_HELP
from proposals.implementation.services import (
    BODY_MAX,
    INTERVAL_MAX,
    MILESTONE_TITLE_MAX,
    REASON_MAX,
    WEIGHT_MAX,
)
from proposals.implementation.supervision import (
    ANSWER_MAX,
    FINDINGS_MAX,
    PARTICIPANTS_MAX,
    REQUEST_MAX,
)
from proposals.shortlist.services import COST_MAX

PLACE_HELP = _l("The community it serves, or the whole street or district: where its source "
                "proposals are, unless you choose another (left empty, where they are).")


class ProjectForm(FlaskForm):
    lead_official_id = SelectField(_l("Lead official"), coerce=int)
    place_id = SelectField(_l("Where it serves"), description=PLACE_HELP,
                           validators=[Optional()])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    target_date = DateField(_l("Target date"), validators=[DataRequired()])
    budget = WanYuanField(
        _l("Budget (万元)"),
        description=_l("In 万元 (ten thousand yuan); the candidate's estimated cost unless you "
                       "change it."),
        validators=[money_required], minimum=1, maximum=COST_MAX)
    report_interval_days = IntegerField(
        _l("A report at least every (days)"),
        description=_l("Without a report in this time the project shows as overdue."),
        default=30, validators=[DataRequired(), NumberRange(min=1, max=INTERVAL_MAX)])
    submit = SubmitField(_l("Start the project"))


class ProjectPlaceForm(FlaskForm):
    """Where a started project serves (votes/places.py): any district, street or community."""

    place_id = SelectField(_l("Where it serves"), validators=[DataRequired()])
    submit = SubmitField(_l("Save the place"))


class MilestoneRow(Form):
    id = HiddenField()
    title = StringField(_l("Milestone"), validators=[Optional(), Length(max=MILESTONE_TITLE_MAX)])
    target_date = DateField(_l("Target date"), validators=[Optional()])
    weight = IntegerField(_l("Weight"), validators=[Optional(), NumberRange(min=1, max=WEIGHT_MAX)])


class MilestonesForm(FlaskForm):
    mode = SelectField(_l("Progress is measured by"), choices=choices(PROGRESS_MODE_LABELS))
    manual_reason = TextAreaField(
        _l("Why milestones don't fit"),
        description=_l("Required when progress is a reported percentage; shown publicly."),
        validators=[Optional(), Length(max=REASON_MAX)])
    milestones = FieldList(FormField(MilestoneRow))
    submit = SubmitField(_l("Save milestones"))


class ReportForm(FlaskForm):
    reported_on = DateField(_l("Date of the report"), validators=[DataRequired()])
    body = TextAreaField(_l("What was done"), description=_l("Shown publicly."),
                         validators=[DataRequired(), Length(max=BODY_MAX)])
    spend_to_date = WanYuanField(
        _l("Spent to date (万元, optional)"),
        description=_l("In 万元 (ten thousand yuan): the total spent so far, not this "
                       "period's spending."),
        validators=[Optional()], minimum=0, maximum=COST_MAX)
    confirm_over_budget = BooleanField(
        _l("The spending exceeds the budget"),
        description=_l("Tick only when the spending to date really is above the project's "
                       "budget; it is published as it is."))
    milestone_id = SelectField(_l("Milestone reached"), coerce=int)
    percent = IntegerField(_l("Progress (%)"),
                           validators=[Optional(), NumberRange(min=0, max=100)])
    reason = StringField(_l("Basis of this percentage"),
                         description=_l("Required with a percentage, e.g. 按已完成工程量估算."),
                         validators=[Optional(), Length(max=REASON_MAX)])
    photos = MultipleFileField(
        _l("Photos (optional)"),
        description=PHOTO_HELP)
    submit = SubmitField(_l("Publish the report"))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer"), description=_l("Shown publicly."),
                           validators=[DataRequired(), Length(max=ANSWER_MAX)])
    submit = SubmitField(_l("Send the answer"))


class EscalateForm(FlaskForm):
    grounds = SelectField(_l("Grounds"), choices=choices(GROUNDS_LABELS, blank=True),
                          validators=[DataRequired()])
    note = TextAreaField(_l("What the unit must do, and by when"),
                         validators=[DataRequired(), Length(max=ANSWER_MAX)])
    submit = SubmitField(_l("Escalate (督办)"))


class FollowUpRow(Form):
    request = StringField(_l("Follow-up request"),
                          validators=[Optional(), Length(max=REQUEST_MAX)])
    due_on = DateField(_l("Answer by (optional)"), validators=[Optional()])


class InspectionForm(FlaskForm):
    inspected_on = DateField(_l("Date of the inspection"), validators=[DataRequired()])
    participants = StringField(_l("Participants"), description=_l("Names, separated by commas."),
                               validators=[DataRequired(), Length(max=PARTICIPANTS_MAX)])
    findings = TextAreaField(_l("Findings"), description=_l("Shown publicly."),
                             validators=[DataRequired(), Length(max=FINDINGS_MAX)])
    follow_ups = FieldList(FormField(FollowUpRow), min_entries=3)
    submit = SubmitField(_l("Record the inspection"))


class BulkUpdateForm(FlaskForm):
    file = FileField(
        _l("CSV or XLSX file"),
        description=_l("At most 2,000 rows and 2 MB. Nothing is applied unless every row is "
                       "valid."))
    submit = SubmitField(_l("Check and apply"))
