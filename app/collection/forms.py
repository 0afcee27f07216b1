"""Forms for proposals and their discussion; limits are those of the domain, stated to users."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import FlaskForm, choices
from app.numbers import ID_MAX
from app.places import community_options
from app.templating import CATEGORY_LABELS, CHANNEL_LABELS
from app.uploads import PHOTO_HELP
from proposals.collection.moderation import REASON_MAX, REPORT_MAX
from proposals.collection.services import (
    BENEFICIARIES_MAX,
    COMMENT_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    TITLE_MAX,
    WITHDRAW_REASON_MAX,
)


class ProposalForm(FlaskForm):
    title = StringField(
        _l("Title"), description=_l("Up to %(n)d characters, e.g. 为老旧小区加装电梯", n=TITLE_MAX),
        validators=[DataRequired(), Length(max=TITLE_MAX)],
    )
    description = TextAreaField(
        _l("What is needed, and why"),
        description=_l("Up to %(n)d characters: the problem, who it affects, what you suggest.",
                       n=DESCRIPTION_MAX),
        validators=[DataRequired(), Length(max=DESCRIPTION_MAX)],
    )
    category = SelectField(_l("Category"), choices=choices(CATEGORY_LABELS, blank=True),
                           validators=[DataRequired()])
    # A community on the list of places, grouped by street; its street and district follow.
    community = SelectField(
        _l("Community"),
        description=_l("Choose it under its street; the street and district follow from it."),
        validators=[DataRequired()],
        render_kw={"data-places": _l("Street")})  # static/js/places.js: a street list first
    beneficiaries = IntegerField(
        _l("People who would benefit (estimate, optional)"),
        validators=[Optional(), NumberRange(min=0, max=BENEFICIARIES_MAX)],
    )
    photos = MultipleFileField(
        _l("Photos (optional)"),
        description=PHOTO_HELP,
    )
    proposer_named = BooleanField(
        _l("Show my name with this proposal"), default=False,
        description=_l("Otherwise the public sees “Resident” instead of your name."),
    )
    submit = SubmitField(_l("Submit proposal"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.community.choices = community_options()


class OnBehalfForm(ProposalForm):
    channel = SelectField(
        _l("Channel"),
        choices=choices(((k, v) for k, v in CHANNEL_LABELS.items() if k != "online"),
                        blank=True),
        validators=[DataRequired()],
    )
    proposer_name = StringField(
        _l("Resident spoken for"), description=_l("The name of the resident who raised it."),
        validators=[DataRequired(), Length(max=NAME_MAX)],
    )
    proposer_username = StringField(
        _l("Their username, if they have an account (optional)"),
        description=_l("They will then see the proposal and its news on their page."),
        validators=[Optional(), Length(max=40)],
    )
    received_on = DateField(_l("Date received (optional)"), validators=[Optional()])
    proposer_named = BooleanField(
        _l("The resident agrees to be named"), default=False,
        description=_l("Only then is their name shown publicly; otherwise “Resident”."),
    )
    submit = SubmitField(_l("Enter proposal"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV or XLSX file"),
        description=_l(
            "At most 2,000 rows and 2 MB. Nothing is imported unless every row is valid."
        ),
    )
    submit = SubmitField(_l("Check and import"))


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"), description=_l("Up to %(n)d characters.", n=COMMENT_MAX),
        validators=[DataRequired(), Length(max=COMMENT_MAX)],
    )
    parent_id = HiddenField()
    submit = SubmitField(_l("Post comment"))


class ReportForm(FlaskForm):
    target_type = HiddenField(validators=[DataRequired()])
    target_id = HiddenField(validators=[DataRequired()])
    reason = StringField(
        _l("Why should moderators look at this?"),
        validators=[DataRequired(), Length(max=REPORT_MAX)],
    )
    submit = SubmitField(_l("Report"))


class HideForm(FlaskForm):
    target_type = HiddenField(validators=[DataRequired()])
    target_id = HiddenField(validators=[DataRequired()])
    reason = StringField(
        _l("Reason shown to the author"), validators=[DataRequired(), Length(max=REASON_MAX)],
    )
    submit = SubmitField(_l("Hide"))


class ActionForm(FlaskForm):
    """A button that changes something; carries only the CSRF token."""

    submit = SubmitField()


class MergeForm(FlaskForm):
    target_id = IntegerField(_l("Merge into proposal number"),
                             validators=[DataRequired(), NumberRange(max=ID_MAX)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Merge"))


class ProposalEditForm(ProposalForm):
    """The author's own changes: the words and the place; photos and naming stay as sent."""

    photos = None
    proposer_named = None
    submit = SubmitField(_l("Save changes"))


class WithdrawProposalForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are you withdrawing it? (optional)"),
        description=_l("Shown with the proposal. Up to %(n)d characters.",
                       n=WITHDRAW_REASON_MAX),
        validators=[Optional(), Length(max=WITHDRAW_REASON_MAX)],
    )
    submit = SubmitField(_l("Withdraw my proposal"))
