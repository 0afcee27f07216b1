"""Whole numbers from URLs, query arguments and form fields: ASCII digits in a database's range.

`str.isdigit()` accepts `²` and `①`, which `int()` rejects, and `int()` accepts ids that no
database column can hold (2**63 on SQLite, 2**31 on PostgreSQL's INTEGER). Every number a
request carries is read here instead, so garbage takes the path letters take: a 404 for a
URL, "absent" for a filter, the view's own error for a form field.
"""

from __future__ import annotations

from flask import request
from werkzeug.routing import BaseConverter, ValidationError

ID_MAX = 2**31 - 1  # the smallest database integer range (PostgreSQL INTEGER)


def whole_number(text: object, *, low: int = 1, high: int = ID_MAX) -> int | None:
    """The number `text` spells in ASCII digits (no sign, no spaces), if low <= it <= high."""
    if not isinstance(text, str) or not text or not (text.isascii() and text.isdigit()):
        return None
    significant = text.lstrip("0") or "0"
    if len(significant) > len(str(high)):  # also spares int() a 5,000-digit string
        return None
    value = int(significant)
    return value if low <= value <= high else None


def arg_int(name: str, default: int | None = None, *, low: int = 1,
            high: int = ID_MAX) -> int | None:
    """A query argument as a whole number in range; absent or garbage gives `default`."""
    value = whole_number(request.args.get(name), low=low, high=high)
    return default if value is None else value


def form_ints(name: str, *, low: int = 1, high: int = ID_MAX) -> list[int]:
    """Every value of a repeated form field that is a whole number in range, in order."""
    found = (whole_number(v, low=low, high=high) for v in request.form.getlist(name))
    return [n for n in found if n is not None]


class IdConverter(BaseConverter):
    """Replaces Flask's `int`: ASCII digits from 1 to ID_MAX; anything else is a 404."""

    regex = r"[0-9]+"
    weight = 50
    part_isolating = True

    def __init__(self, map, low: int = 1, high: int = ID_MAX) -> None:  # noqa: A002
        super().__init__(map)
        self.low, self.high = low, high

    def to_python(self, value: str) -> int:
        number = whole_number(value, low=self.low, high=self.high)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))
