"""Administration forms."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import FlaskForm, choices
from app.templating import ASSEMBLY_KIND_LABELS, ROLE_LABELS
from proposals.cycles.stages import REASON_MAX


class RolesForm(FlaskForm):
    roles = SelectMultipleField(
        _l("Roles"),
        choices=choices(ROLE_LABELS),
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )
    active = SelectField(
        _l("Account"), choices=choices([("1", _l("Active")), ("0", _l("Disabled"))])
    )
    submit = SubmitField(_l("Save"))


class AssemblyForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(ASSEMBLY_KIND_LABELS))
    name = StringField(lazy_pgettext("assembly", "Name"),
                       validators=[DataRequired(), Length(max=120)])
    area = StringField(
        _l("Area it serves"), description=_l("e.g. 东城区 or 和平社区"),
        validators=[DataRequired(), Length(max=120)],
    )
    term_start = DateField(_l("Term starts"), validators=[DataRequired()])
    term_end = DateField(_l("Term ends"), validators=[DataRequired()])
    submit = SubmitField(_l("Create assembly"))

    def validate_term_end(self, field):
        if self.term_start.data and field.data and field.data <= self.term_start.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("The term must end after it starts."))


class MemberForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    title = StringField(
        _l("Title (optional)"), description=_l("e.g. 主任, 召集人"),
        validators=[Optional(), Length(max=40)],
    )
    joined_on = DateField(_l("Seated from"), validators=[DataRequired()])
    submit = SubmitField(_l("Add member"))


class CycleForm(FlaskForm):
    assembly_id = SelectField(_l("Assembly"), coerce=int)
    title = StringField(
        _l("Title"), description=_l("e.g. 2027年度民生实事项目"),
        validators=[DataRequired(), Length(max=120)],
    )
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2000, 2100)])
    collection_starts = DateField(_l("Collection starts"), validators=[DataRequired()])
    shortlist_starts = DateField(_l("Shortlist starts"), validators=[DataRequired()])
    ballot_starts = DateField(_l("Ballot starts"), validators=[DataRequired()])
    implementation_starts = DateField(_l("Implementation starts"), validators=[DataRequired()])
    evaluation_starts = DateField(_l("Evaluation starts"), validators=[DataRequired()])
    closes_on = DateField(_l("Closes on"), validators=[DataRequired()])
    submit = SubmitField(_l("Create cycle"))


class AdvanceForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Move to the next stage"))


class MoveBackForm(FlaskForm):
    """A move back: its reason is kept with the move and shown in the cycle's history."""

    target = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Why it moves back"),
        description=_l("Shown to everyone in the cycle's stage history."),
        validators=[DataRequired(), Length(max=REASON_MAX)], render_kw={"rows": 3},
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter that changes nothing

    actor = StringField(_l("Username"), validators=[Optional(), Length(max=40)])
    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("To (date, included)"), validators=[Optional()])

    def validate_until(self, field):
        if self.since.data and field.data and field.data < self.since.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("The end date cannot come before the start date."))
