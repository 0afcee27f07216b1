"""Account forms: every label and message is translatable, limits are stated to the user."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    widgets,
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
from app.forms import FlaskForm, choices
from votes.mobiles import is_mobile
from votes.places import community_choices
from votes.residence import ADDRESS_MAX, EVIDENCE_MAX

PASSWORD_MIN = 10


def _not_blank(form, field):
    if field.data is not None and not str(field.data).strip():
        raise ValidationError(_l("This field cannot be only spaces."))


MOBILE_MALFORMED = _l("A mainland mobile number has 11 digits and starts with 1, e.g. "
                      "138 0013 8000 (+86 before it is fine).")


def _mobile(form, field):
    """A mainland mobile number in any usual form (votes.mobiles.normalise_mobile)."""
    if field.data and not is_mobile(field.data):
        raise ValidationError(MOBILE_MALFORMED)


def _mobile_field(label, *, required: bool = True, description=None) -> StringField:
    first = DataRequired() if required else Optional()
    return StringField(label, description=description,
                       validators=[first, Length(max=30), _mobile])


class LoginForm(FlaskForm):
    username = StringField(_l("Username or mobile number"),
                           validators=[DataRequired(), Length(max=40)])
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
        # static/js/places.js puts a street list before it, labelled so.
        render_kw={"data-places": _l("Street")},
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
    mobile = _mobile_field(
        _l("Mobile number"),
        description=_l("A mainland number, 11 digits. We text it a code to confirm it: one "
                       "person, one account. You can then sign in with it too."))
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


# --- mobile numbers and one-time codes (app/auth/mobile.py) -----------------------------


class MobileForm(FlaskForm):
    """The number to confirm: a code is texted to it."""

    mobile = _mobile_field(_l("Mobile number"),
                           description=_l("A mainland number, 11 digits."))
    submit = SubmitField(_l("Text me a code"))


class MobileCodeForm(FlaskForm):
    code = StringField(_l("Code from the text message"), description=_l("Six digits."),
                       validators=[DataRequired(), Length(max=12)])
    submit = SubmitField(_l("Confirm the number"))


class CodeSignInRequestForm(FlaskForm):
    mobile = _mobile_field(_l("Your confirmed mobile number"))
    submit = SubmitField(_l("Text me a code"))


class CodeSignInForm(FlaskForm):
    mobile = _mobile_field(_l("Your confirmed mobile number"))
    code = StringField(_l("Code from the text message"), description=_l("Six digits."),
                       validators=[DataRequired(), Length(max=12)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


# --- accounts made for someone else (app/auth/accounts.py) ------------------------------

_USERNAME = [Optional(), Length(min=3, max=40),
             Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use only letters, digits, . _ or -."))]


class NewAccountForm(FlaskForm):
    """The administrator makes an account; its holder sets the password by a reset."""

    username = StringField(_l("Username"),
                           description=_l("3–40 letters, digits, dots, dashes or "
                                          "underscores."),
                           validators=[DataRequired(), *_USERNAME[1:]])
    display_name = StringField(_l("Name shown to others"),
                               validators=[DataRequired(), _not_blank, Length(max=60)])
    mobile = _mobile_field(_l("Mobile number (optional)"), required=False,
                           description=_l("The holder confirms it with a code when they "
                                          "first sign in."))
    email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), Length(max=254), EmailValidator(check_deliverability=False)])
    roles = SelectMultipleField(_l("Roles"), option_widget=widgets.CheckboxInput(),
                                widget=widgets.ListWidget(prefix_label=False))
    send = RadioField(_l("To set the password"), default="sms", choices=choices([
        ("sms", _l("text a code to the mobile number")),
        ("email", _l("email a link")),
        ("none", _l("send nothing now (Send a code later from the account’s page)"))]))
    submit = SubmitField(_l("Create the account"))

    def __init__(self, *args, **kwargs):
        from app.templating import ROLE_LABELS

        super().__init__(*args, **kwargs)
        self.roles.choices = choices(ROLE_LABELS)


class AdminResetForm(FlaskForm):
    # Without a choice (the button alone), the account's email, else its mobile number.
    channel = RadioField(_l("Send"), default="", validate_choice=False, choices=choices([
        ("sms", _l("a code to the mobile number")), ("email", _l("a link to the email"))]))


class AssistedForm(FlaskForm):
    """An official makes an account at the counter for a resident without a phone."""

    display_name = StringField(_l("The resident’s name"),
                               validators=[DataRequired(), _not_blank, Length(max=60)])
    username = StringField(_l("Username (optional)"),
                           description=_l("Leave it empty and one is made, e.g. jm482913."),
                           validators=_USERNAME)
    community = SelectField(_l("Verify as a resident of (optional)"),
                            description=_l("Only a community whose register you keep."),
                            validators=[Optional()])
    evidence = StringField(
        _l("What you saw"),
        description=_l("To verify at once: the kind of document, e.g. “ID card and "
                       "household book”. Never its number."),
        validators=[Optional(), Length(max=EVIDENCE_MAX)])
    address = StringField(_l("Address in the community (optional)"),
                          validators=[Optional(), Length(max=ADDRESS_MAX)])
    submit = SubmitField(_l("Create the account and print its sheet"))
