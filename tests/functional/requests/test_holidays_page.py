"""The admin's working-day calendar page: the years known, a year entered from typed days,
every bad item reported by line with what was typed kept, a replacement, admins only."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from proposals.requests.models import HolidayArrangement, HolidayDay
from tests.conftest import csrf_token
from tests.functional.requests.samples import MOMENT
from votes.audit import AuditEntry

PAGE = "/admin/requests/holidays"
GOOD = {"year": "2027", "days_off": "2027-01-01\r\n2027-02-05..2027-02-13",
        "make_up_days": "2027-01-09, 2027-02-20", "reference": "国办发明电〔2026〕7号"}


def test_the_page_lists_the_library_years_and_says_what_is_refused(app, desk, as_user):
    app.config["NOW"] = MOMENT
    page = as_user(desk.admin).get(PAGE).text
    assert "From chinesecalendar 1.11.0" in page and "2004–2026" in page
    assert "A deadline in 2027 is refused until that year’s arrangement is entered." in page
    assert 'name="year" required type="number" value="2027"' in page  # the first refused


def test_the_admin_enters_a_year_then_replaces_it(app, db, desk, as_user):
    app.config["NOW"] = MOMENT
    admin = as_user(desk.admin)
    done = admin.post(PAGE, data=GOOD, follow_redirects=True).text
    assert "The holiday arrangement for 2027 is entered" in done
    assert "国办发明电〔2026〕7号" in done and desk.admin.display_name in done
    assert "10 days off" in done and "2 make-up workdays" in done
    assert "Deadlines can be set up to the end of 2027." in done
    row = db.scalar(select(HolidayArrangement))
    assert (row.year, row.entered_by_id) == (2027, desk.admin.id)
    # The Replace link fills the form with the days as entered, runs as ranges.
    filled = admin.get(f"{PAGE}?year=2027").text
    assert "2027-01-01\n2027-02-05..2027-02-13</textarea>" in filled
    assert "2027-01-09\n2027-02-20</textarea>" in filled
    again = admin.post(PAGE, data={**GOOD, "days_off": "2027-01-01..2027-01-03",
                                   "make_up_days": "", "reference": ""},
                       follow_redirects=True).text
    assert "The holiday arrangement for 2027 is replaced." in again
    assert "(no reference given)" in again
    db.expire_all()
    assert sorted(db.scalars(select(HolidayDay.day))) == [date(2027, 1, d) for d in (1, 2, 3)]
    assert list(db.scalars(select(AuditEntry.outcome).where(
        AuditEntry.action == "admin.request_holidays"))) == ["done", "done"]


def test_bad_items_are_reported_by_line_and_what_was_typed_is_kept(app, db, desk, as_user):
    app.config["NOW"] = MOMENT
    typed = {"year": "2027", "days_off": "2027-01-01\r\n2027-02-30, 2027-02-13..2027-02-05",
             "make_up_days": "2027-01-04\r\n2027-01-01", "reference": "草稿"}
    page = as_user(desk.admin).post(PAGE, data=typed)
    assert page.status_code == 200
    text = page.text
    assert "Line 2, “2027-02-30”: This is not a date" in text
    assert "Line 2, “2027-02-13..2027-02-05”: The range ends before it starts." in text
    assert "Line 1, “2027-01-04”: Jan 4, 2027 is a weekday, a working day anyway" in text
    assert "Line 2, “2027-01-01”: Jan 1, 2027 is also a day off" in text
    assert "2027-01-01\n2027-02-30, 2027-02-13..2027-02-05</textarea>" in text
    assert 'value="草稿"' in text and 'value="2027"' in text
    assert db.scalar(select(HolidayArrangement)) is None


def test_a_library_year_a_bad_year_and_odd_text_are_refused_in_plain_words(app, db, desk,
                                                                         as_user):
    app.config["NOW"] = MOMENT
    admin = as_user(desk.admin)
    known = admin.post(PAGE, data={**GOOD, "year": "2026", "days_off": "2026-10-01"}).text
    assert "chinesecalendar knows 2026 already" in known
    garbage = admin.post(PAGE, data={"year": "二〇二七", "days_off": "２０２７-99-01\r\n%s",
                                     "make_up_days": "..", "reference": "x" * 81})
    assert garbage.status_code == 200
    assert "Line 1, “２０２７-99-01”: This is not a date" in garbage.text
    assert "Line 2, “%s”: This is not a date" in garbage.text
    nothing = admin.post(PAGE, data={**GOOD, "days_off": " "}).text
    assert "Enter the year’s days off." in nothing
    assert admin.get(f"{PAGE}?year=abc").status_code == 200
    assert db.scalar(select(HolidayArrangement)) is None


def test_only_an_admin_sees_or_posts_the_page(app, db, desk, as_user):
    official = as_user(desk.dispatcher)
    assert official.get(PAGE).status_code == 403
    assert official.post(PAGE, data=GOOD).status_code == 403
    assert as_user(desk.requester).get(PAGE).status_code == 403
    assert app.test_client().get(PAGE).status_code == 302
    assert db.scalar(select(HolidayArrangement)) is None


def test_the_form_needs_its_csrf_token(make_app, db, desk):
    app = make_app(WTF_CSRF_ENABLED=True, NOW=MOMENT)
    client = app.test_client()
    login = client.get("/account/login").text
    client.post("/account/login", data={"username": desk.admin.username,
                                        "password": "correct horse battery",
                                        "csrf_token": csrf_token(login)})
    client.get("/lang/en")
    assert client.post(PAGE, data=GOOD).status_code == 400
    assert db.scalar(select(HolidayArrangement)) is None
    page = client.get(PAGE).text
    done = client.post(PAGE, data={**GOOD, "csrf_token": csrf_token(page)})
    assert done.status_code == 302
    assert db.scalar(select(HolidayArrangement.year)) == 2027
