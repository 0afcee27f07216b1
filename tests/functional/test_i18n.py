"""Chinese by default, English on request, and every string in the code has a translation."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "app" / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.do"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_strings() -> set[str]:
    found = set()
    for folder in ("app", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, METHODS, keywords=KEYWORDS, options_map=OPTIONS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_in_the_code_has_a_chinese_translation():
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans")
    translated = {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in catalog
        if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
        and "fuzzy" not in m.flags
    }
    missing = sorted(source_strings() - translated)
    assert missing == [], (
        "untranslated strings; run `flask translations extract`, translate them in "
        f"{CATALOG.relative_to(ROOT)}: {missing[:10]}"
    )


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
    assert "必填" in page or "不能为空" in page


def test_no_translation_has_a_stray_percent_sign():
    """Jinja formats every translated string with %, so a lone % would break its page."""
    import re

    with CATALOG.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans")
    stray = re.compile(r"%(?!\(\w+\)[sd])")
    bad = [m.id for m in catalog if m.id and any(
        stray.search(text.replace("%%", ""))
        for text in (m.string if isinstance(m.string, tuple) else [m.string]))]
    assert bad == []
