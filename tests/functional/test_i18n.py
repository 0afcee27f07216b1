"""Chinese by default, English on request, and every string in the code has a translation."""

import re
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.functional.builders import new_ballot, seat_council

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "app" / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.do"}}
# The same keywords as `flask translations extract`: a string with a context (pgettext) is
# its own entry, so one English word can say two things in Chinese.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}


def read_catalog():
    with CATALOG.open("rb") as fh:
        return read_po(fh, locale="zh_Hans")


def source_strings() -> set[tuple[str | None, str]]:
    found = set()
    for folder in ("app", "templates"):
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / folder, METHODS, keywords=KEYWORDS, options_map=OPTIONS
        ):
            found.add((context, message if isinstance(message, str) else message[0]))
    return found


def test_every_string_in_the_code_has_a_chinese_translation():
    translated = {
        (m.context, m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in read_catalog()
        if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
        and "fuzzy" not in m.flags
    }
    missing = sorted(source_strings() - translated, key=lambda key: (key[0] or "", key[1]))
    assert missing == [], (
        "untranslated strings; run `flask translations extract`, translate them in "
        f"{CATALOG.relative_to(ROOT)}: {missing[:10]}"
    )


def test_the_extract_command_collects_strings_with_a_context():
    """`flask translations extract` is what fills the catalog: it must see pgettext too."""
    source = (ROOT / "app" / "cli.py").read_text()
    assert '"-k", "lazy_pgettext:1c,2"' in source
    assert ("of a cycle", "Report") in source_strings()
    assert ("council size", "Seats") in source_strings()


# Han characters and the full-width punctuation around them; curly quotes are shared with
# English, so a code quoted in them (“;”) stays as typed.
CHINESE = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
HALF_WIDTH_BY_CHINESE = re.compile(
    rf"{CHINESE} ?[:,();]|[:,();] ?{CHINESE}|\([^()]*{CHINESE}[^()]*\)")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def half_width_by_chinese(text: str) -> list[str]:
    # A placeholder's own brackets are code: "%(n)d 名" is fine.
    return HALF_WIDTH_BY_CHINESE.findall(PLACEHOLDER.sub("0", text))


@pytest.mark.parametrize("text, bad", [
    ("政策依据: 文件", True), ("（编号 157）", False), ("(编号 157)", True), ("居民, 2026年", True),
    ("甲;乙", True), ("%(n)d 名成员（%(x)s）", False), ("CSV 中以英文分号“;”分隔", False),
    ("成员 %(n)d / %(m)d 名", False), ("1/2", False),
])
def test_the_punctuation_check_itself(text, bad):
    assert bool(half_width_by_chinese(text)) is bad


def test_chinese_translations_use_full_width_punctuation():
    bad = [(m.id, text) for m in read_catalog() if m.id
           for text in (m.string if isinstance(m.string, tuple) else [m.string])
           if text and half_width_by_chinese(text)]
    assert bad == [], "use ，：；（） next to Chinese: " + repr(bad[:10])


def test_the_site_speaks_chinese_by_default(client):
    page = client.get("/").text
    assert '<html lang="zh-Hans">' in page
    assert "民生实事，由人民代表票决" in page
    assert "项目征集" in page and "登录" in page


def test_an_english_browser_gets_english(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert '<html lang="en">' in page
    assert "Livelihood projects, decided by the people’s representatives" in page


@pytest.mark.parametrize("path", ["/", "/cycles", "/assemblies", "/account/login"])
def test_the_language_switch_works_on_every_page_and_comes_back(client, path):
    assert "/lang/en?next=" in client.get(path).text
    switched = client.get(f"/lang/en?next={path}")
    assert switched.status_code == 302 and switched.headers["Location"] == path
    english = client.get(path).text
    assert 'lang="en"' in english and "中文" in english
    client.get(f"/lang/zh_Hans?next={path}")
    assert '<html lang="zh-Hans">' in client.get(path).text


def test_an_unknown_language_is_not_found(client):
    assert client.get("/lang/fr").status_code == 404


def test_error_pages_are_friendly_in_both_languages(client, make_user, login):
    assert "页面不存在" in client.get("/no/such/page").text
    client.get("/lang/en")
    assert "Page not found" in client.get("/no/such/page").text
    login(make_user("resident"))
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403
    assert "You may not open this page" in forbidden.text


def test_form_errors_are_in_chinese(client):
    page = client.post("/account/register", data={"username": "", "display_name": "",
                                                  "password": "", "confirm": ""}).text
    assert "This field is required" not in page
    assert "请填写“" in page  # app/forms.py: "Please fill in “%(label)s”."


def test_no_translation_has_a_stray_percent_sign():
    """Jinja formats every translated string with %, so a lone % would break its page."""
    catalog = read_catalog()
    stray = re.compile(r"%(?!\(\w+\)[sd])")
    bad = [m.id for m in catalog if m.id and any(
        stray.search(text.replace("%%", ""))
        for text in (m.string if isinstance(m.string, tuple) else [m.string]))]
    assert bad == []


# --- one English word, two meanings: each says what it means where it stands -------------


def test_the_cycle_report_is_a_report_not_report_abuse(client, cycle):
    page = client.get(f"/cycles/{cycle.id}/report").text
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "年度报告" in title and "举报" not in title
    client.get("/lang/en")
    assert "<title>Report · " in client.get(f"/cycles/{cycle.id}/report").text


def test_the_council_ledger_flags_an_overdue_topic_with_yes_not_a_vote(app):
    from app.council.public import ledger_table

    row = SimpleNamespace(id=7, title="路灯不亮", category="other", raised_by="居民",
                          raised_on=date(2026, 3, 1), state="in_progress", owner="物业",
                          deadline=date(2026, 3, 15), overdue=True, result="", rating=None,
                          resolved_on=None, days=None, reopened=0)
    with app.test_request_context("/"):
        headers, table = ledger_table([row])
        overdue = table[0][headers.index("逾期")]
        assert overdue == "是" and overdue != "赞成"
        assert "办理结果" in headers and "票决结果" not in headers
        # Downloads keep ISO days; the page shows them as every other page does.
        assert table[0][4] == "2026-03-01"
        from app.templating import dateformat
        assert ledger_table([row], day=dateformat)[1][0][4] == "2026年3月1日"


def test_the_new_assembly_form_asks_for_a_name_not_a_persons_name(client, login, admin):
    login(admin)
    page = client.get("/admin/assemblies").text
    label = re.search(r'<label for="name"[^>]*>(.*?)</label>', page, re.S).group(1)
    assert "名称" in label and "姓名" not in label
    assert "<th scope=\"col\">姓名</th>" in client.get("/admin/users").text  # a person's


def main(page: str) -> str:
    """The page's own content, without the navigation and the footer every page shares."""
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_council_members_meet_council_words_not_delegates(app, client, db, login, admin,
                                                          make_user, official):
    app.config["TODAY"] = date(2027, 3, 1)
    council = seat_council(db, make_user, admin, start=date(2026, 1, 1), end=date(2028, 12, 31))
    login(council.convenor)
    desk = client.get("/delegate/council").text
    assert "议事会成员工作台" in desk and "代表工作台" not in desk
    # A vote of the council counts its members.
    ballot = new_ballot(db, official, council.assembly, options=1)
    page = main(client.get(f"/ballots/{ballot.id}").text)
    assert "名成员" in page and "代表" not in page
    assert "投票形式" in page and "项目票决：" not in page
    vote = main(client.get(f"/delegate/ballots/{ballot.id}").text)
    assert "议事会成员工作台" in vote and "全体成员" in vote and "代表" not in vote


def test_one_date_style_per_language(app):
    from app.messages import domain_message
    from app.templating import dateformat, datetimeformat
    from votes.base import DomainError

    day, moment = date(2026, 12, 1), datetime(2026, 12, 1, 1, 5)  # 09:05 in Shanghai
    with app.test_request_context("/"):
        assert dateformat(day, "short") == dateformat(day) == "2026年12月1日"
        assert datetimeformat(moment) == "2026年12月1日 09:05"
        # A day a service keeps as ISO text in an error's parameters reads the same way.
        refusal = domain_message(DomainError("before_last_report", last="2026-11-30"))
        assert "2026年11月30日" in refusal and "2026-11-30" not in refusal
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert dateformat(day, "short") == "Dec 1, 2026"
        assert datetimeformat(moment, "short") == "Dec 1, 2026, 9:05\u202fAM"


def test_a_congress_ballot_still_speaks_of_delegates(client, db, login, official, assembly,
                                                     delegates):
    ballot = new_ballot(db, official, assembly)
    page = main(client.get(f"/ballots/{ballot.id}").text)
    assert "名代表" in page and "拟票决项目数" in page and "名成员" not in page
    login(delegates[0])
    vote = main(client.get(f"/delegate/ballots/{ballot.id}").text)
    assert "代表工作台" in vote and "估算投资" in vote and "全体代表" in vote
