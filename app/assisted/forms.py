"""Forms of assisted entries."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import FlaskForm
from proposals.evaluation.models import COMMENT_MAX


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the text message"), validators=[DataRequired(),
                                                                     Length(max=12)])
    submit = SubmitField(_l("Confirm"))


class ActionForm(FlaskForm):
    """A button whose only content is its CSRF token."""


class ForResidentForm(FlaskForm):
    resident = StringField(_l("The resident’s username or mobile number"),
                           validators=[DataRequired(), Length(max=40)])


class RateForResidentForm(ForResidentForm):
    level = RadioField(_l("Their rating"), validators=[DataRequired()])
    comment = TextAreaField(_l("Their words (optional)"),
                            validators=[Optional(), Length(max=COMMENT_MAX)])
    submit = SubmitField(_l("Enter the rating for them"))
