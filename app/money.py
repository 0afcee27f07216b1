"""Amounts of money: kept in yuan (whole numbers), typed in 万元, shown in the reader's words.

Officials write budgets in 万元 (ten thousand yuan). A form takes up to four decimals of
万元 (0.0001 万元 = 1 yuan), so every amount in yuan can be typed exactly, and an amount
saved before (or imported in yuan) can be saved again unchanged; nothing is ever rounded
on the way in. Pages show at most two decimals (`yuan`), rounded half up.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask import has_request_context
from flask_babel import get_locale

YUAN_PER_WAN = 10_000
WAN_DECIMALS = 4
# No budget has more than 20 digits; a longer number is a typing slip, and a huge
# exponent ("1e999999") would otherwise make a million-digit integer.
_MOST_DIGITS = 20
_NOISE = re.compile(r"[\s,，]|万元$|万$")


def wan_text(amount: int | None) -> str:
    """An amount in yuan as 万元 for a form's input: exact, no trailing zeros ("259.7142")."""
    if amount is None:
        return ""
    return f"{Decimal(amount).scaleb(-WAN_DECIMALS).normalize():f}"


def parse_wan(text: str) -> Decimal:
    """What a person typed for 万元 ("1,250.5", "１２.５", "350万元") as a Decimal.

    Raises InvalidOperation when it is not a number.
    """
    cleaned = _NOISE.sub("", unicodedata.normalize("NFKC", text).strip())
    value = Decimal(cleaned)
    if not value.is_finite() or value.adjusted() > _MOST_DIGITS:
        raise InvalidOperation(text)
    return value


def wan_to_yuan(wan: Decimal) -> int | None:
    """万元 in whole yuan, or None when it is finer than one yuan (more than four decimals)."""
    amount = wan * YUAN_PER_WAN
    if amount != amount.to_integral_value():
        return None
    return int(amount)


def reads_chinese() -> bool:
    """Whether the page is in Chinese (the default, also outside a request)."""
    if not has_request_context():
        return True
    locale = get_locale()
    return locale is None or locale.language == "zh"


def yuan(amount: int | None) -> str:
    """An amount kept in yuan, as a page shows it.

    Chinese: always 万元 with at most two decimals, rounded half up ("259.71 万元",
    "350 万元"); an amount that is not zero but would round to 0.00 万元 is shown in 元,
    so that it does not read as nothing. English: whole yuan with thousands separators
    ("¥2,597,142"), exact, the way English-language budget documents write yuan.
    """
    if amount is None:
        return "—"
    if not reads_chinese():
        return f"{'-' if amount < 0 else ''}¥{abs(amount):,}"
    if amount and abs(amount) * 200 < YUAN_PER_WAN:
        return f"{amount:,} 元"
    wan = (Decimal(amount) / YUAN_PER_WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{wan:,.2f}".rstrip("0").rstrip(".") + " 万元"
