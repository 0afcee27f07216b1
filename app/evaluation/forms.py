"""Forms of evaluation: a rating, a rectification report and a cycle's satisfaction bar."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.evaluation.messages import LEVEL_LABELS
from app.forms import FlaskForm, choices
from proposals.evaluation.models import COMMENT_MAX, REPORT_MAX


class RatingForm(FlaskForm):
    level = RadioField(_l("How satisfied are you with this project?"),
                       choices=choices(LEVEL_LABELS), validators=[InputRequired()])
    comment = TextAreaField(
        _l("Comment (optional)"),
        description=_l("Up to %(n)d characters. Read by officials for the rectification, "
                       "never published.", n=COMMENT_MAX),
        validators=[Optional(), Length(max=COMMENT_MAX)],
    )
    submit = SubmitField(_l("Save my rating"))


class RectificationForm(FlaskForm):
    body = TextAreaField(
        _l("What was rectified"),
        description=_l("Up to %(n)d characters: what residents and delegates found wanting, "
                       "and what the unit changed. Published with the project.", n=REPORT_MAX),
        validators=[DataRequired(), Length(max=REPORT_MAX)],
    )
    submit = SubmitField(_l("File the rectification report"))


class BarForm(FlaskForm):
    bar = IntegerField(_l("Satisfaction bar (percent)"),
                       validators=[InputRequired(), NumberRange(min=1, max=100)])
    submit = SubmitField(_l("Set the bar"))
