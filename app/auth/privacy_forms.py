"""The forms and words of one's own data: its download, and deleting the account."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from app.forms import FlaskForm


class DownloadForm(FlaskForm):
    """A POST with its CSRF token: the file is made for the person who asked, then."""

    submit = SubmitField(_l("Download my data"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"), description=_l("To be sure it is you who deletes the account."),
        validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Delete my account"))


# Why an account cannot be deleted now (proposals/personal/erase.py: CHECKS).
REFUSALS = {
    "erase_official": _l("You are an official or an administrator. Such an account is "
                         "closed by an administrator, who hands over its work first."),
    "erase_seat": _l("You hold a seat in an assembly or a resident council. Your seat must "
                     "be ended first: ask an administrator."),
    "erase_open_ballot": _l("A ballot you are on the roster of is open. Once it is closed, "
                            "you can delete your account."),
    "erase_done": _l("This account has been deleted already."),
}

# What each part of the download holds (proposals/personal/export.py: PARTS); a part not
# named here is listed by its name in the file.
PART_LABELS = {
    "account": _l("Your account: username, name, email, mobile number, community, language, "
                  "when it was made, and the privacy notice you agreed to"),
    "roles": _l("Your roles"),
    "sign_ins": _l("Your sign-ins: each device’s browser and system, and when"),
    "password_resets": _l("Codes sent to set a new password: when, and how (never the code)"),
    "seats": _l("Your seats in assemblies and councils"),
    "proposals": _l("Your proposals, with their earlier texts and their photos’ names"),
    "cosigns": _l("The proposals you co-signed"),
    "follows": _l("The proposals you follow"),
    "comments": _l("Your comments"),
    "reports": _l("What you reported to the moderators"),
    "notifications": _l("Your notices"),
    "ratings": _l("Your ratings of projects, with your comments"),
    "requests": _l("The requests (接诉即办) you raised, with their replies"),
    "request_ratings": _l("Your ratings of how requests were handled"),
    "council_topics": _l("The council topics you raised"),
    "council_ratings": _l("Your ratings of council topics"),
    "council_comments": _l("Your comments on council meetings"),
    "council_attendance": _l("Your attendance at council meetings"),
    "notice_preferences": _l("How notices reach you"),
    "notice_deliveries": _l("The emails and text messages of your notices, and whether each "
                            "was sent"),
    "ballots": _l("The ballots whose roster you were on: whether you checked in and voted, "
                  "never what you chose"),
}
