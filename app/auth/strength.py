"""How hard a new password is to guess (zxcvbn), said in plain words when it is too easy.

Only new passwords are checked (registering, changing, resetting); an account's existing
password is never checked again at sign-in.
"""

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError
from zxcvbn import zxcvbn

MIN_SCORE = 3  # zxcvbn's 0-4; 3 is "safely unguessable", about 10^8 guesses and more

# zxcvbn's warnings, in our words; one not listed here gets the general sentence.
WARNINGS = {
    "This is a top-10 common password.": _l("This is one of the most common passwords."),
    "This is a top-100 common password.": _l("This is one of the most common passwords."),
    "This is a very common password.": _l("This is a very common password."),
    "This is similar to a commonly used password.": _l(
        "This is close to a commonly used password."),
    "A word by itself is easy to guess.": _l("A single word is easy to guess."),
    "Names and surnames by themselves are easy to guess.": _l(
        "A name on its own is easy to guess."),
    "Common names and surnames are easy to guess.": _l("Common names are easy to guess."),
    "Straight rows of keys are easy to guess.": _l(
        "Keys in a row on the keyboard are easy to guess."),
    "Short keyboard patterns are easy to guess.": _l(
        "Keyboard patterns are easy to guess."),
    'Repeats like "aaa" are easy to guess.': _l("Repeated characters are easy to guess."),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': _l(
        "Repeated characters are easy to guess."),
    'Sequences like "abc" or "6543" are easy to guess.': _l(
        "Sequences such as abc or 6543 are easy to guess."),
    "Recent years are easy to guess.": _l("Years and dates are easy to guess."),
    "Dates are often easy to guess.": _l("Years and dates are easy to guess."),
}
GENERAL = _l("This password is too easy to guess. Use a few words together that others "
             "would not expect, or a longer password.")


def weakness(password: str, hints: list[str] | tuple[str, ...] = ()) -> str | None:
    """Why `password` is too easy to guess, or None when it is strong enough. `hints` are
    the person's own names and addresses: a password made of them is easy for those who
    know them."""
    result = zxcvbn(password, user_inputs=[h for h in hints if h])
    if result["score"] >= MIN_SCORE:
        return None
    warning = WARNINGS.get(result["feedback"].get("warning") or "")
    if warning is None:
        return str(GENERAL)
    return f"{warning} {GENERAL}"


def strong_password(*hint_fields: str):
    """A form validator: refuses a weak password, naming why; `hint_fields` are the form's
    fields whose values the password should not be made of."""

    def check(form, field):
        if not field.data:
            return
        hints = [str(getattr(form, name).data or "") for name in hint_fields
                 if getattr(form, name, None) is not None]
        why = weakness(field.data, hints)
        if why:
            raise ValidationError(why)

    return check
