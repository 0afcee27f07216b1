"""A document's number (文号) and date, as plain values: 滨人发〔2027〕3号, 2026年12月1日.

A number is the issuing body's prefix (机关代字), the kind's letter, the year and a serial
within that year. The serial is the document's place among the events of its kind in that
year (a ballot published, a round closed, an escalation raised): those events never move
and new ones come later, so a number, once shown, never changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

# The kind's letter after the prefix: 公告, 发 (a resolution), 通报, 督办函.
KIND_LETTERS = {"announcement": "公", "resolution": "发", "evaluation": "通",
                "supervision": "督"}


def document_number(prefix: str, kind: str, year: int, serial: int) -> str:
    if serial < 1:
        raise ValueError("a serial starts at 1")
    return f"{prefix}{KIND_LETTERS[kind]}〔{year}〕{serial}号"


def chinese_date(day: date) -> str:
    """2026年12月1日: no leading zeros, as a 公文 writes its date."""
    return f"{day.year}年{day.month}月{day.day}日"


def local_day(moment: datetime, zone: str) -> date:
    """The day a stored moment (UTC, naive from SQLite) falls on in the given time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).date()


def serial_in_year(events: Iterable[tuple[datetime, Any]], this: tuple[datetime, Any],
                   zone: str) -> int:
    """The place of `this` event (its moment, then its id to order events of the same
    moment) among the events of its local year."""
    year = local_day(this[0], zone).year

    def key(event: tuple[datetime, Any]) -> tuple[datetime, Any]:
        moment, ident = event
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)), ident

    return sum(1 for event in events
               if local_day(event[0], zone).year == year and key(event) <= key(this))
