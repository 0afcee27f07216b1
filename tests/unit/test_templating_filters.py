"""The bidi filters: |bdi isolates user text that could turn its neighbours; |plain_text drops
the controls where no <bdi> can go."""

from __future__ import annotations

import pytest
from jinja2 import Environment
from markupsafe import Markup

from app.templating import bdi, plain_text

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture
def env():
    environment = Environment(autoescape=True)
    environment.filters.update(bdi=bdi, plain_text=plain_text)
    return environment


def test_bdi_wraps_and_escapes_text_with_an_override():
    out = bdi("\u202e<b>王</b> & co")
    assert isinstance(out, Markup)
    assert out == "<bdi>\u202e&lt;b&gt;王&lt;/b&gt; &amp; co</bdi>"


@pytest.mark.parametrize("control", list(CONTROLS))
def test_every_embedding_override_and_isolate_control_is_isolated(control):
    assert bdi(f"灯{control}") == f"<bdi>灯{control}</bdi>"


@pytest.mark.parametrize("text", ["דוד", "محمد", "编号٣", "张\u200f三"])
def test_right_to_left_letters_arabic_digits_and_the_rlm_mark_are_isolated(text):
    assert bdi(text) == f"<bdi>{text}</bdi>"


def test_left_to_right_text_is_escaped_but_left_bare():
    # Nothing in it can move the words beside it on a left-to-right page.
    out = bdi("王秀英 <Wang> 2027")
    assert out == "王秀英 &lt;Wang&gt; 2027" and isinstance(out, Markup)
    assert bdi(Markup("<em>已审</em>")) == "<em>已审</em>"
    assert bdi(0) == "0"


@pytest.mark.parametrize("empty", [None, ""])
def test_bdi_of_nothing_is_nothing(empty):
    out = bdi(empty)
    assert out == "" and isinstance(out, Markup)


def test_bdi_in_a_template_is_not_escaped_twice(env):
    page = env.from_string("<p>{{ name|bdi }} · {{ name }}</p>").render(name="<i>\u2067李</i>")
    assert page == "<p><bdi>&lt;i&gt;\u2067李&lt;/i&gt;</bdi> · &lt;i&gt;\u2067李&lt;/i&gt;</p>"


def test_plain_text_drops_every_embedding_override_and_isolate():
    assert plain_text(f"灯{CONTROLS}不亮") == "灯不亮"
    # The marks (LRM, RLM) only lean a neutral character one way; they change nothing after.
    assert plain_text("a\u200eb\u200fc") == "a\u200eb\u200fc"


def test_plain_text_stays_text_so_that_autoescaping_still_escapes_it(env):
    out = plain_text("\u202e<script>")
    assert out == "<script>" and not isinstance(out, Markup)
    assert env.from_string('<a title="{{ t|plain_text }}">').render(t="\u202e\"<x>") == (
        '<a title="&#34;&lt;x&gt;">')
    assert isinstance(plain_text(Markup("<b>\u202e</b>")), Markup)


def test_plain_text_of_nothing_and_of_other_values():
    assert plain_text(None) == ""
    assert plain_text("") == ""
    assert plain_text(2027) == "2027"
