"""Words of the notices: why a choice of channel cannot be kept."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "notice_channel_unknown": _l("Choose one of the ways offered."),
    "notice_email_missing": _l("Add an email address to your account first, then choose "
                               "emails."),
    "notice_mobile_missing": _l("Your account has no mobile number yet, so no text messages "
                                "can be sent to you."),
}

NOTIFICATIONS = {
    "password_reset": _l("A code to set a new password was sent to you. If you did not ask "
                         "for it, your password stays as it is."),
}
