"""The 12345 hotline's export over HTTP: checked whole and refused whole with a row-by-row
report, or every call a request waiting on the dispatch desk; a ticket imported once."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from proposals.requests import hotline
from proposals.requests.clock import TZ, local
from proposals.requests.models import Caller, Request, RequestEvent
from tests.conftest import csrf_token
from tests.functional.builders import refused
from tests.functional.requests.samples import MOMENT, PLACES
from votes.places import by_code

HEADER = "工单号,来电时间,类别,社区,紧急程度,标题,诉求内容,来电人,来电号码"
GOOD = [
    "GD20260929001,2026-09-29 08:15,公共安全,和平社区,一般,3号门路灯不亮,"
    "来电反映3号门路灯一周不亮。,王女士,13800000001",
    "GD20260929002,2026/9/29 8:40:12,住房与老旧小区改造,幸福社区,紧急,,"
    "6号楼楼道积水严重。已经漫进一楼住户家里,,",
    "GD20260929003,2026-09-28,environment,C-HP,,垃圾清运不及时,垃圾站三天没有清运。,,",
]


@pytest.fixture
def places(db, desk):
    """The desk's list of places: 和平社区 (code C-HP) and 幸福社区 in one street."""
    return [by_code(db, row.code) for row in PLACES]


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8-sig")


def _upload(client, data: bytes, name: str = "12345.csv"):
    return client.post("/official/requests/import",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def _count(db) -> int:
    return db.scalar(select(func.count()).select_from(Request))


def _report(page: str) -> list[tuple[str, str, str]]:
    """The report's rows as (row, column, problem)."""
    body = page.split('class="import-report"')[1].split("</tbody>")[0].split("<tbody>")[1]
    found = []
    for row in body.split("<tr>")[1:]:
        cells = [cell.split(">", 1)[1].split("</td>")[0] for cell in row.split("<td")[1:]]
        found.append(tuple(cells))
    return found


def test_a_good_file_becomes_requests_waiting_on_the_dispatch_desk(app, db, desk, places,
                                                                   as_user):
    app.config["NOW"] = MOMENT
    official = as_user(desk.dispatcher)
    page = official.get("/official/requests/import").text
    assert "Import calls from the 12345 hotline" in page and "工单号" in page
    done = _upload(official, _csv(*GOOD))
    assert "3 calls imported from the 12345 hotline; they wait on the dispatch desk." in done.text
    made = db.scalars(select(Request).order_by(Request.raised_at)).all()
    assert [(r.ticket, r.channel, r.status, r.requester_id, r.community, r.urgency)
            for r in made] == [
        ("GD20260929003", "hotline", "raised", None, "和平社区", "normal"),
        ("GD20260929001", "hotline", "raised", None, "和平社区", "normal"),
        ("GD20260929002", "hotline", "raised", None, "幸福社区", "urgent")]
    third, first, second = made
    # Received at the time of the call (a day alone is its midnight), in Beijing.
    assert local(first.raised_at) == datetime(2026, 9, 29, 8, 15, tzinfo=TZ)
    assert local(second.raised_at) == datetime(2026, 9, 29, 8, 40, 12, tzinfo=TZ)
    assert local(third.raised_at) == datetime(2026, 9, 28, tzinfo=TZ)
    assert second.title == "6号楼楼道积水严重" and third.category == "environment"
    assert db.scalars(select(RequestEvent.actor_role)).all() == ["hotline"] * 3
    caller = db.get(Caller, first.id)
    assert (caller.name, caller.phone) == ("王女士", "13800000001")
    assert db.get(Caller, second.id) is None

    desk_page = official.get("/official/requests/dispatch").text
    assert "3 requests await dispatch." in desk_page
    # No grid is known: each call waits in its community's queue on the desk.
    queue = official.get("/official/requests/dispatch?community=幸福社区").text
    assert "1 request awaits dispatch." in queue and "6号楼楼道积水严重" in queue
    # The caller's name and number are for the officials handling it, never public.
    handle = official.get(f"/official/requests/{first.id}").text
    assert "王女士" in handle and "13800000001" in handle and "GD20260929001" in handle
    public = app.test_client()
    for url in (f"/requests/{first.number}", "/requests", "/requests?community=和平社区"):
        text = public.get(url).text
        assert "王女士" not in text and "13800000001" not in text
    assert "12345" in public.get(f"/requests/{first.number}?lang=en").text


def test_one_bad_row_keeps_nothing_and_the_report_names_it(app, db, desk, places, as_user):
    app.config["NOW"] = MOMENT
    official = as_user(desk.dispatcher)
    bad = GOOD[2].replace("C-HP", "火星社区")
    page = _upload(official, _csv(GOOD[0], GOOD[1], bad)).text
    assert _count(db) == 0
    assert "Nothing was imported: 1 problem found" in page
    assert _report(page) == [("4", "社区", "No community of this name or code is on the list "
                                        "of places: correct it, or ask an administrator to "
                                        "add the community.")]


def test_every_kind_of_bad_row_is_reported_by_row_and_column(app, db, desk, places, as_user):
    app.config["NOW"] = MOMENT
    official = as_user(desk.dispatcher)
    rows = [
        "2.02609E+13,2026-09-29 08:15,公共安全,和平社区,一般,标题,内容,,",
        "GD-1,2026-13-01 08:15,公共安全,和平社区,一般,标题,内容,,",
        "GD-2,2026-09-30 08:15,天气,和平社区,很急,标题,内容,,call me",
        "GD 3,29/09/2026,公共安全,和平社区,,,,,",
        "GD-1,2026-09-29 08:15,公共安全,和平社区,一般,标题,内容,,",
    ]
    page = _upload(official, _csv(*rows)).text
    assert _count(db) == 0
    found = _report(page)
    assert ("2", "工单号", "The spreadsheet wrote this ticket number as 2.02609E+13 and lost "
                          "its digits: format the column as text and export again.") in found
    assert ("3", "来电时间", "Not a date and time; write it as 2026-09-29 10:05.") in found
    assert ("4", "来电时间", "The time of the call is in the future.") in found
    assert any(r[:2] == ("4", "类别") and "Unknown category" in r[2] for r in found)
    assert ("4", "紧急程度", "Unknown urgency; use 一般 or 紧急.") in found
    assert any(r[:2] == ("4", "来电号码") and "Not a phone number" in r[2] for r in found)
    assert ("5", "工单号", "Not a ticket number: letters, digits and - _ / . only.") in found
    assert ("5", "来电时间", "Not a date and time; write it as 2026-09-29 10:05.") in found
    assert ("5", "诉求内容", "This cell is empty but required.") in found
    assert ("6", "工单号", "Ticket GD-1 is in row 3 already.") in found
    missing = _upload(official, _csv(GOOD[0].split(",", 1)[1],
                                     header=HEADER.split(",", 1)[1])).text
    assert ("1", "工单号", "The column is missing.") in _report(missing)
    assert _count(db) == 0


def test_a_ticket_imported_once_is_refused_the_second_time(app, db, desk, places, as_user):
    app.config["NOW"] = MOMENT
    official = as_user(desk.dispatcher)
    _upload(official, _csv(GOOD[0]))
    first = db.scalars(select(Request)).one()
    again = _upload(official, _csv(GOOD[1], GOOD[0])).text
    assert _count(db) == 1
    assert _report(again) == [("3", "工单号", f"Ticket GD20260929001 is imported already, as "
                                            f"request {first.number}.")]


def test_an_xlsx_export_imports_too(app, db, desk, places, as_user):
    app.config["NOW"] = MOMENT
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["GD-X1", datetime(2026, 9, 29, 9, 30), "公共安全", "幸福社区", "紧急", None,
                  "楼下井盖丢失，有人差点掉进去！", "李先生", "010-12345678"])
    buffer = io.BytesIO()
    book.save(buffer)
    done = _upload(as_user(desk.dispatcher), buffer.getvalue(), "12345.xlsx").text
    assert "1 call imported from the 12345 hotline; it waits on the dispatch desk." in done
    made = db.scalars(select(Request)).one()
    assert (made.ticket, made.urgency) == ("GD-X1", "urgent")
    assert made.title == "楼下井盖丢失，有人差点掉进去"
    assert local(made.raised_at) == datetime(2026, 9, 29, 9, 30, tzinfo=TZ)
    assert db.get(Caller, made.id).phone == "010-12345678"


def test_the_template_downloads_and_only_officials_import(app, db, desk, places, as_user,
                                                          make_app):
    official = as_user(desk.dispatcher)
    template = official.get("/official/requests/import-template.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    assert template.data.startswith("\ufeff工单号,来电时间,类别,社区".encode())
    resident = as_user(desk.requester)
    assert resident.get("/official/requests/import").status_code == 403
    assert resident.get("/official/requests/import-template.csv").status_code == 403
    assert _upload(resident, _csv(*GOOD)).status_code == 403
    assert _count(db) == 0

    csrf_app = make_app(WTF_CSRF_ENABLED=True, NOW=MOMENT + timedelta(hours=1))
    client = csrf_app.test_client()
    login = client.get("/account/login").text
    client.post("/account/login", data={"username": desk.dispatcher.username,
                                        "password": "correct horse battery",
                                        "csrf_token": csrf_token(login)})
    form = client.get("/official/requests/import").text
    without = client.post("/official/requests/import",
                          data={"file": (io.BytesIO(_csv(*GOOD)), "12345.csv")},
                          content_type="multipart/form-data")
    assert without.status_code == 400 and _count(db) == 0
    with_token = client.post("/official/requests/import",
                             data={"file": (io.BytesIO(_csv(*GOOD)), "12345.csv"),
                                   "csrf_token": csrf_token(form)},
                             content_type="multipart/form-data")
    assert with_token.status_code == 302 and _count(db) == 3


def test_a_ticket_imported_meanwhile_stops_the_whole_file(app, db, desk, places):
    """Between the check and the import another official imports one of its tickets: the
    import is refused whole, and the rows before that one are not kept either."""
    checked = hotline.check_file(db, _csv(*GOOD), "12345.csv", now=MOMENT)
    assert checked.ok and len(checked.rows) == 3
    hotline.import_calls(db, desk.admin, [r for r in checked.rows if r.ticket.endswith("3")])
    db.commit()
    error = refused("ticket_imported_meanwhile", hotline.import_calls, db, desk.dispatcher,
                    checked.rows)
    db.rollback()
    assert error.params == {"ticket": "GD20260929003"}
    assert _count(db) == 1
    refused("officials_only", hotline.import_calls, db, desk.requester, checked.rows)
