"""Account forms: every label and message is translatable, limits are stated to the user."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.validators import Email as EmailValidator

from app.auth.strength import strong_password
from app.db import get_session
from app.forms import FlaskForm
from votes.places import community_choices

PASSWORD_MIN = 10


def _not_blank(form, field):
    if field.data is not None and not str(field.data).strip():
        raise ValidationError(_l("This field cannot be only spaces."))


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Name shown to others"), description=_l("Up to 60 characters."),
        validators=[DataRequired(), _not_blank, Length(max=60)],
    )
    email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), Length(max=254), EmailValidator(check_deliverability=False)],
    )
    community = SelectField(
        _l("Community you live in (optional)"),
        description=_l("Choose it from the list of your street’s communities. To vote in "
                       "its council election, raise topics there or rate projects, the "
                       "community also verifies that you live there."),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The communities are records (votes/places.py), grouped by street: <optgroup>s
        # that need no script.
        groups = {"": [("", _l("— not said —"))]}
        for street, names in community_choices(get_session()):
            groups.setdefault(street or _l("Other"), []).extend(names)
        self.community.choices = groups


class RegisterForm(ProfileForm):
    """The profile's fields, plus the name to sign in with and a password."""

    username = StringField(
        _l("Username"),
        description=_l("3–40 letters, digits, dots, dashes or underscores."),
        validators=[
            DataRequired(),
            Length(min=3, max=40),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use only letters, digits, . _ or -.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(n)d characters.", n=PASSWORD_MIN),
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200),
                    strong_password("username", "display_name", "email")],
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    # The privacy notice (/privacy); its version and the moment are kept with the account.
    consent = BooleanField(
        _l("I have read and agree to the privacy notice"),
        validators=[DataRequired(message=_l("To create an account, read the privacy notice "
                                            "and tick that you agree to it."))],
    )
    submit = SubmitField(_l("Create account"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(
        _l("New password"),
        description=_l("At least %(n)d characters.", n=PASSWORD_MIN),
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200), strong_password()],
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Sign out"))


class EndSessionForm(FlaskForm):
    """Ends one of the account's sessions (`session_id`), or every other one (`others`)."""

    session_id = IntegerField(validators=[Optional()])
    others = BooleanField()
    submit = SubmitField(_l("Sign out there"))


class ResetRequestForm(FlaskForm):
    who = StringField(
        _l("Username, email or mobile number"),
        validators=[DataRequired(), _not_blank, Length(max=254)],
    )
    submit = SubmitField(_l("Send me a code"))


class NewPasswordForm(FlaskForm):
    """The new password of a reset (the link's form; the code's form adds who and the code)."""

    password = PasswordField(
        _l("New password"),
        description=_l("At least %(n)d characters.", n=PASSWORD_MIN),
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200), strong_password()],
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Set the new password"))


class ResetCodeForm(NewPasswordForm):
    who = StringField(
        _l("Username, email or mobile number"),
        validators=[DataRequired(), _not_blank, Length(max=254)],
    )
    code = StringField(
        _l("Code from the text message"), description=_l("Six digits."),
        validators=[DataRequired(), Length(max=12)],
    )
