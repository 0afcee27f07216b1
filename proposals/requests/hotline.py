"""The 12345 hotline's export (CSV/XLSX) imported as requests: the whole file is checked first
and refused whole, row by row, if any row is wrong; otherwise every call becomes a request of
channel hotline in one transaction, waiting on the dispatch desk as any new request does.

A ticket (工单号) is imported once: a ticket already kept, or twice in the file, is a row's
error. The community must be one on the list of places (votes.places), by name or code;
Yishi has no grids (网格) yet, so every call of a known community waits in that
community's queue on the dispatch desk. The caller's name and number are kept apart
(request_callers), for the officials handling the request only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from proposals import sheets
from proposals.collection.importing import CATEGORY_LABELS
from proposals.requests import services
from proposals.requests.clock import TZ, local
from proposals.requests.models import Caller, Category, Channel, Request, Urgency
from proposals.sheets import (
    MAX_BYTES,
    MAX_ROWS,
    MAX_SHOWN,
    Column,
    Parsed,
    RowError,
    SheetError,
    Table,
    read_header,
    read_table,
)
from votes.base import DomainError
from votes.people import Role, User
from votes.places import Level, Place

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "HotlineCall", "ImportReport", "check_file",
           "import_calls", "parse_calls", "template_csv"]

COLUMNS: tuple[Column, ...] = (
    Column("ticket", "工单号", "ticket"),
    Column("called_at", "来电时间", "called_at"),
    Column("category", "类别", "category"),
    Column("community", "社区", "community"),
    Column("urgency", "紧急程度", "urgency", required=False),
    Column("title", "标题", "title", required=False),
    Column("description", "诉求内容", "description"),
    Column("caller_name", "来电人", "caller_name", required=False),
    Column("caller_phone", "来电号码", "caller_phone", required=False),
)
_BY_NAME = {column.name: column for column in COLUMNS}
# Mirrors the tables (requests, request_callers) so an accepted file never fails at INSERT.
TICKET_MAX = 40
_MAX_LENGTHS = {"title": services.TITLE_MAX, "description": services.TEXT_MAX,
                "community": services.COMMUNITY_MAX, "caller_name": 60}
PHONE_MAX = 20
_CATEGORIES = {**{c.value: c.value for c in Category}, **CATEGORY_LABELS}
_URGENCIES = {
    **dict.fromkeys(("normal", "一般", "普通", "常规", "非紧急"), Urgency.NORMAL.value),
    **dict.fromkeys(("urgent", "紧急", "加急", "特急"), Urgency.URGENT.value),
}
_TICKET = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-/.]*")
# Excel shows a long number as 2.02609E+13 and saves it so in a CSV: the digits are lost.
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]*")
# A call's moment as exports write it: 2026-09-29 10:05, 2026/9/29 10:05:31, an XLSX date
# and time read as 2026-09-29 10:05:31 (seconds' fractions dropped); a day alone is midnight.
_MOMENT = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
                     r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?")
# A derived title: the content's first sentence, cut to this many characters.
TITLE_FROM_TEXT = 30
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


@dataclass(frozen=True)
class HotlineCall:
    row: int
    ticket: str
    called_at: datetime  # Asia/Shanghai
    category: str
    community: str  # the community's name as the list of places has it
    urgency: str
    title: str
    description: str
    caller_name: str
    caller_phone: str


@dataclass(frozen=True)
class ImportReport:
    rows: tuple[HotlineCall, ...] = ()
    errors: tuple[RowError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def template_csv() -> str:
    """The import's header plus one example row (utf-8-sig when served, for Excel)."""
    return sheets.template_csv(COLUMNS, (
        "GD20260929000123", "2026-09-29 10:05", "公共安全", "和平社区", "一般", "3号门路灯不亮",
        "来电反映小区3号门路灯一周不亮，晚上路过很危险。", "王女士", "13800000000"))


# --- checking ---------------------------------------------------------------------------------


def check_file(session: Session, data: bytes, filename: str, *, now: datetime
               ) -> ImportReport:
    """Read and check the whole file against the list of places and the tickets kept; writes
    nothing. Import its rows only if the report is ok."""
    try:
        table = read_table(data, filename)
    except SheetError as exc:
        return ImportReport(errors=(exc.error,))
    return parse_calls(table, now=now, communities=community_names(session),
                       imported=lambda tickets: imported_tickets(session, tickets))


def community_names(session: Session) -> dict[str, str]:
    """Each community on the list of places by its name and by its code: its name."""
    found: dict[str, str] = {}
    for name, code in session.execute(select(Place.name, Place.code).where(
            Place.level == Level.COMMUNITY.value)):
        found[name] = name
        found.setdefault(code, name)
    return found


def imported_tickets(session: Session, tickets) -> dict[str, str]:
    """The tickets among `tickets` kept already, with their request's number."""
    wanted = sorted(set(tickets))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        for ticket, number in session.execute(select(Request.ticket, Request.number).where(
                Request.ticket.in_(wanted[start:start + 500]))):
            found[ticket] = number
    return found


def parse_calls(table: Table, *, now: datetime, communities: dict[str, str],
                imported) -> ImportReport:
    """Every problem of the file, by row and column; the rows only when there is none.
    `communities` maps a name or code to the community's name; `imported(tickets)` gives the
    tickets kept already with their request's number."""
    if not table:
        return ImportReport(errors=(RowError(0, None, "empty_file"),))
    (header_row, header), body = table[0], table[1:]
    positions, errors = read_header(header_row, header, COLUMNS)
    if not body:
        errors.append(RowError(0, None, "empty_file"))
    complete = all(c.name in positions for c in COLUMNS if c.required)
    reported_unnamed: set[int] = set()
    parsed: list[tuple[int, dict[str, Any], list[RowError]]] = []
    for number, cells in body:
        row_errors: list[RowError] = []
        for index, text in enumerate(cells):
            if text and (index >= len(header) or not header[index]) \
                    and index not in reported_unnamed:  # once per column finds it
                reported_unnamed.add(index)
                row_errors.append(RowError(number, None, "unnamed_column",
                                           {"position": index + 1}))
        values: dict[str, Any] = dict.fromkeys(_BY_NAME)
        for name, (index, written) in positions.items():
            text = cells[index] if index < len(cells) else ""
            value, code, params = _parse_value(name, text, now, communities)
            if code:
                row_errors.append(RowError(number, written, code, params))
            values[name] = value
        parsed.append((number, values, row_errors))
    _check_tickets(parsed, positions, imported)
    rows: list[HotlineCall] = []
    for number, values, row_errors in parsed:
        errors.extend(row_errors)
        if complete and not row_errors:
            rows.append(_call(number, values))
    return ImportReport(rows=tuple(rows), errors=tuple(errors))


def _check_tickets(parsed, positions, imported) -> None:
    """A ticket twice in the file, or kept already, is the row's error."""
    if "ticket" not in positions:
        return
    written = positions["ticket"][1]
    tickets = [values["ticket"] for _, values, _ in parsed if values["ticket"]]
    kept = imported(tickets) if tickets else {}
    first_seen: dict[str, int] = {}
    for number, values, row_errors in parsed:
        ticket = values["ticket"]
        if not ticket:
            continue
        if ticket in kept:
            row_errors.append(RowError(number, written, "ticket_imported",
                                       {"value": ticket, "number": kept[ticket]}))
        elif ticket in first_seen:
            row_errors.append(RowError(number, written, "ticket_twice",
                                       {"value": ticket, "first_row": first_seen[ticket]}))
        else:
            first_seen[ticket] = number


def _call(number: int, values: dict[str, Any]) -> HotlineCall:
    title = values["title"] or title_from(values["description"])
    return HotlineCall(row=number, ticket=values["ticket"], called_at=values["called_at"],
                       category=values["category"], community=values["community"],
                       urgency=values["urgency"] or Urgency.NORMAL.value, title=title,
                       description=values["description"],
                       caller_name=values["caller_name"] or "",
                       caller_phone=values["caller_phone"] or "")


def title_from(description: str) -> str:
    """The content's first sentence as the title, cut with an ellipsis when long."""
    first = _SENTENCE_END.split(description.strip(), maxsplit=1)[0].strip() or description
    return first if len(first) <= TITLE_FROM_TEXT else first[:TITLE_FROM_TEXT - 1] + "…"


def _parse_value(name: str, text: str, now: datetime, communities: dict[str, str]) -> Parsed:
    if not text:
        return None, "required" if _BY_NAME[name].required else None, {}
    shown = {"value": text[:MAX_SHOWN]}
    if name == "ticket":
        return _parse_ticket(text, shown)
    if name == "called_at":
        return parse_moment(text, now, shown)
    if name == "category":
        category = _CATEGORIES.get(text) or _CATEGORIES.get(text.lower())
        return (category, None, {}) if category else (None, "unknown_category", shown)
    if name == "urgency":
        urgency = _URGENCIES.get(text) or _URGENCIES.get(text.lower())
        return (urgency, None, {}) if urgency else (None, "hotline_unknown_urgency", shown)
    if name == "caller_phone":
        if len(text) > PHONE_MAX or not _PHONE.fullmatch(text):
            return None, "hotline_bad_phone", shown
        return text, None, {}
    limit = _MAX_LENGTHS[name]
    if len(text) > limit:
        return None, "too_long", {"max": limit, "length": len(text)}
    if name == "community":
        known = communities.get(text)
        return (known, None, {}) if known else (None, "hotline_unknown_community", shown)
    return text, None, {}


def _parse_ticket(text: str, shown: dict[str, Any]) -> Parsed:
    if _SCIENTIFIC.fullmatch(text):
        return None, "ticket_scientific", shown
    if len(text) > TICKET_MAX:
        return None, "too_long", {"max": TICKET_MAX, "length": len(text)}
    if not _TICKET.fullmatch(text):
        return None, "bad_ticket", shown
    return text, None, {}


def parse_moment(text: str, now: datetime, shown: dict[str, Any]) -> Parsed:
    """A call's date and time in Beijing; not after `now`, since the call was made."""
    match = _MOMENT.fullmatch(text.strip())
    moment = None
    if match:
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            moment = datetime(year, month, day, hour, minute, second, tzinfo=TZ)
        except ValueError:  # 2026-02-30, 25:00
            moment = None
    if moment is None:
        return None, "bad_call_time", shown
    if moment > local(now):
        return None, "future_call_time", shown
    return moment, None, {}


# --- importing --------------------------------------------------------------------------------


def import_calls(session: Session, actor: User, rows) -> list[Request]:
    """Enter a checked file's calls (check_file) in one go: any refusal stops them all. Each is
    received at its call's time, channel hotline, for a caller without an account."""
    if not actor.has_role(Role.OFFICIAL):
        raise DomainError("officials_only")
    rows = list(rows)
    kept = imported_tickets(session, [row.ticket for row in rows])
    if kept:  # imported by someone else since the file was checked
        ticket = min(kept)
        raise DomainError("ticket_imported_meanwhile", ticket=ticket)
    made = []
    for row in rows:
        draft = services.Draft(title=row.title, description=row.description,
                               category=row.category, community=row.community,
                               urgency=row.urgency)
        request = services.raise_request(session, actor, draft, channel=Channel.HOTLINE.value,
                                         now=row.called_at)
        try:  # the ticket's key refuses a racing import of the same ticket
            with session.begin_nested():
                request.ticket = row.ticket
                session.flush()
        except IntegrityError:
            raise DomainError("ticket_imported_meanwhile", ticket=row.ticket) from None
        if row.caller_name or row.caller_phone:
            session.add(Caller(request_id=request.id, name=row.caller_name,
                               phone=row.caller_phone))
        made.append(request)
    session.flush()
    return made
