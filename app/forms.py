"""Form helpers shared by the blueprints: the one base form, its words, choices and money.

Every form derives from `app.forms.FlaskForm`. It gives each field a message table of its
own (`FieldWords`), so what WTForms would say in its default words ("This field is
required.", "Not a valid integer value.") is said about that field in plain English or
Chinese ("Please fill in “Title”.", "At most 200 characters; you typed 245."), with no
change to the validators a form lists. It also keeps a list of the forms built for the
request, so the page can open with a summary of every problem (`error_summary` in
templates/macros.html, called by templates/base.html).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import InvalidOperation

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from wtforms.fields import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import NumberInput

from app.money import parse_wan, reads_chinese, wan_text, wan_to_yuan, yuan

# WTForms' own messages, in the words a resident reads. The required message depends on
# what kind of field it is (fill in, choose, tick), so it is chosen in FieldWords.
WORDS = {
    "Field must be at least %(min)d character long.":
        _l("At least %(min)d characters; you typed %(length)d."),
    "Field must be at least %(min)d characters long.":
        _l("At least %(min)d characters; you typed %(length)d."),
    "Field cannot be longer than %(max)d character.":
        _l("At most %(max)d characters; you typed %(length)d."),
    "Field cannot be longer than %(max)d characters.":
        _l("At most %(max)d characters; you typed %(length)d."),
    "Field must be exactly %(max)d character long.":
        _l("Exactly %(max)d characters; you typed %(length)d."),
    "Field must be exactly %(max)d characters long.":
        _l("Exactly %(max)d characters; you typed %(length)d."),
    "Field must be between %(min)d and %(max)d characters long.":
        _l("Between %(min)d and %(max)d characters; you typed %(length)d."),
    "Number must be at least %(min)s.": _l("Enter a number of at least %(min)s."),
    "Number must be at most %(max)s.": _l("Enter a number of at most %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Enter a number from %(min)s to %(max)s."),
    "Date must be at least %(min)s.": _l("The date must be %(min)s or later."),
    "Date must be at most %(max)s.": _l("The date must be %(max)s or earlier."),
    "Date must be between %(min)s and %(max)s.": _l("The date must be from %(min)s to %(max)s."),
    "Not a valid integer value.": _l("Enter a whole number, e.g. 12."),
    "Not a valid decimal value.": _l("Enter a number, e.g. 12.5."),
    "Not a valid float value.": _l("Enter a number, e.g. 12.5."),
    "Not a valid date value.": _l("Enter a date as year-month-day, e.g. 2026-12-01."),
    "Not a valid datetime value.": _l("Enter a date and time, e.g. 2026-12-01 14:30."),
    "Not a valid time value.": _l("Enter a time, e.g. 14:30."),
    "Not a valid choice.": _l("Choose one of the options listed."),
    "Invalid Choice: could not coerce.": _l("Choose one of the options listed."),
    "Invalid email address.": _l("Enter an email address such as name@example.com."),
    "Invalid URL.": _l("Enter a web address starting with https://."),
    "Invalid input.": _l("This is not in the expected form; check what you typed."),
    "Field must be equal to %(other_name)s.": _l("This does not match “%(other_label)s”."),
}
REQUIRED = "This field is required."
CHOOSE = _l("— choose —")
# "Budget cap (万元, optional)" is named "Budget cap" in a message about it.
_ASIDE = re.compile(r"\s*[（(][^（）()]*[)）]\s*$")


def field_name(field) -> str:
    """The field's label as a message names it: without its trailing "(…)" aside."""
    text = str(field.label.text) if field.label else field.name
    return _ASIDE.sub("", text) or text


class FieldWords:
    """The gettext WTForms asks for a field's messages: ours first, then Flask-WTF's."""

    def __init__(self, field, fallback):
        self.field, self.fallback = field, fallback

    def required(self) -> str:
        kind, name = self.field.type, field_name(self.field)
        if kind in ("SelectField", "RadioField", "SelectMultipleField", "QuerySelectField"):
            return str(_l("Please choose “%(label)s”.", label=name))
        if kind in ("FileField", "MultipleFileField"):
            return str(_l("Please choose a file for “%(label)s”.", label=name))
        if kind == "BooleanField":
            return str(_l("Please tick “%(label)s”.", label=name))
        return str(_l("Please fill in “%(label)s”.", label=name))

    def gettext(self, string: str) -> str:
        if string == REQUIRED:
            return self.required()
        if string in WORDS:
            return str(WORDS[string])
        return self.fallback.gettext(string) if self.fallback else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if singular in WORDS:
            return str(WORDS[singular])
        if self.fallback:
            return self.fallback.ngettext(singular, plural, n)
        return singular if n == 1 else plural


def one_line_break(text: str | None) -> str | None:
    """A browser counts a line break as one character against maxlength and sends two
    (CR LF); kept as one, a text typed up to the limit is not refused for being over it."""
    return text.replace("\r\n", "\n") if isinstance(text, str) else text


class FlaskForm(_FlaskForm):
    """The base of every form of the app: natural, field-specific messages; summarised."""

    class Meta(_FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            field._translations = FieldWords(field, getattr(field, "_translations", None))
            if field.type == "TextAreaField":
                field.filters = (*field.filters, one_line_break)
            return field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _words_for_rows(self, self.meta.get_translations(self))
        if has_app_context():
            g.setdefault("forms_built", []).append(self)


def _words_for_rows(form, fallback) -> None:
    """The rows of a FieldList(FormField(...)) are plain WTForms forms, built with their own
    meta: their validators are given the same words."""
    for field in form:
        if field.type == "FormField":
            _words_for_rows(field.form, fallback)
        elif field.type == "FieldList":
            for entry in field.entries:
                if entry.type == "FormField":
                    _words_for_rows(entry.form, fallback)
        elif not isinstance(field._translations, FieldWords):
            field._translations = FieldWords(field, fallback)


def _problems(form) -> Iterable[tuple[str | None, str]]:
    for field in form:
        if field.type == "CSRFTokenField":
            continue
        if field.type == "FormField":
            yield from _problems(field.form)
            continue
        if field.type == "FieldList":
            for entry in field.entries:
                yield from _problems(entry.form) if entry.type == "FormField" \
                    else _problems_of_field(entry)
            continue
        yield from _problems_of_field(field)
    for message in getattr(form, "form_errors", []):
        yield None, str(message)


def _problems_of_field(field) -> Iterable[tuple[str | None, str]]:
    errors = field.errors if isinstance(field.errors, list) else []
    hidden = field.type == "HiddenField"
    target = None if hidden else field.id
    if field.type == "RadioField" and target:
        target = f"{field.id}-0"  # the first option: the list itself takes no focus
    name = field_name(field)
    for message in errors:
        text = str(message)
        # A message that already names the field is not prefixed with its name again.
        yield target, text if hidden or name in text else f"{name}{colon()}{text}"


def colon() -> str:
    return "：" if reads_chinese() else ": "


def form_problems(forms: Iterable | None = None) -> list[tuple[str | None, str]]:
    """Every problem of the forms built for this request: (the field's id or None, words)."""
    if forms is None:
        forms = g.get("forms_built", []) if has_app_context() else []
    found, seen = [], set()
    for form in forms:
        for item in _problems(form):
            if item not in seen:
                seen.add(item)
                found.append(item)
    return found


def choices(pairs: Mapping | Iterable[tuple], *, blank: bool = False) -> list[SelectChoice]:
    """SelectField options from (value, label) pairs or a {value: label} mapping.

    `blank` starts the list with an empty "— choose —": with DataRequired, a person must
    pick one, instead of the first option being taken for them unseen.
    """
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    first = [SelectChoice("", CHOOSE)] if blank else []
    return first + [SelectChoice(value, label) for value, label in items]


WAN_HELP = _l("In 万元 (ten thousand yuan), e.g. 350 for ¥3,500,000 or 12.5 for ¥125,000.")


class WanYuanField(Field):
    """An amount typed in 万元 and kept in yuan (an int): exact, never through a float.

    `minimum` and `maximum` are in yuan. Its own messages speak in 万元; what was typed is
    shown back as typed when it is refused.
    """

    widget = NumberInput(step="0.01", min="0")

    def __init__(self, label=None, validators=None, *, minimum: int = 0,
                 maximum: int | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.render_kw = {"inputmode": "decimal", **(self.render_kw or {})}

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return wan_text(self.data)

    def process_formdata(self, valuelist):
        if not valuelist:
            return  # not in this post (another form of the page): the saved amount stays
        if not valuelist[0].strip():
            self.data = None
            return
        try:
            wan = parse_wan(valuelist[0])
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Enter an amount in 万元, e.g. 350 or 12.5.")) from None
        self.data = wan_to_yuan(wan)
        if self.data is None:
            raise ValueError(_l("At most four decimals: the smallest step is 0.0001 万元 "
                                "(1 yuan)."))

    def pre_validate(self, form):
        if self.data is None:
            return
        if self.data < self.minimum:
            if self.minimum <= 0:
                raise StopValidation(_l("The amount cannot be negative."))
            raise StopValidation(_l("Enter an amount greater than 0."))
        if self.maximum is not None and self.data > self.maximum:
            raise StopValidation(_l("At most %(amount)s.", amount=yuan(self.maximum)))


def money_required(form, field) -> None:
    """DataRequired for an amount: 0 is an amount, only an empty box is missing."""
    if field.data is None and not field.process_errors:
        raise StopValidation(field.gettext(REQUIRED))


money_required.field_flags = {"required": True}


__all__ = ["WAN_HELP", "FlaskForm", "ValidationError", "WanYuanField", "choices", "form_problems",
           "money_required"]
