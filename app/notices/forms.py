"""The account's form for how notices reach a person."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField

from app.forms import FlaskForm, choices

EMAIL_CHOICES = [
    ("each", _l("Each notice, as it happens")),
    ("digest", _l("One email a day with the day's notices")),
    ("off", _l("No emails")),
]
SMS_CHOICES = [
    ("off", _l("No text messages")),
    ("each", _l("Each notice, as it happens")),
]


class NoticeChoicesForm(FlaskForm):
    email = SelectField(_l("By email"), choices=choices(EMAIL_CHOICES))
    sms = SelectField(_l("By text message (SMS)"), choices=choices(SMS_CHOICES))
    submit = SubmitField(_l("Save"))
