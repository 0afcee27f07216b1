"""Unit tests for proposals.text: segmentation, FTS expressions, similarity, hot topics."""

import logging
import re
import sqlite3
import sys

import jieba
import pytest

from proposals.collection import text
from proposals.collection.text import (
    DOMAIN_WORDS,
    fts5_match_expression,
    search_document,
    search_query_tokens,
    segment,
    similar,
    similarity,
    title_signature,
    top_terms,
    tsquery_expression,
)

WORD_TOKEN = re.compile(r"^[^\W_]+$")
FTS5_EXPR = re.compile(r'^"[^\W_]+"( AND "[^\W_]+")*$')
TSQUERY_EXPR = re.compile(r"^'[^\W_]+'( & '[^\W_]+')*$")

HOSTILE = [
    '"a" OR b*) NEAR(',
    "'; drop table proposals; --",
    '电梯" OR 1=1 --',
    "title:电梯 ^加装 -停车 NOT x AND (y | !z) <-> w:* \\",
    "",
    "   ，。！？",
]


def _fts5_available() -> bool:
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(doc)")
    except sqlite3.OperationalError:
        return False
    return True


needs_fts5 = pytest.mark.skipif(not _fts5_available(), reason="sqlite3 built without FTS5")


# --- segment -------------------------------------------------------------------


def test_search_mode_yields_compound_and_sub_words():
    tokens = segment("老旧小区加装电梯")
    assert "老旧小区" in tokens
    assert "加装电梯" in tokens
    assert {"小区", "加装", "电梯"} <= set(tokens)


@pytest.mark.parametrize("word", DOMAIN_WORDS)
def test_domain_words_segment_as_units(word):
    assert word in segment(f"关于{word}的建议")


def test_hotline_phrases_are_single_tokens():
    tokens = segment("接诉即办、未诉先办，有事请打12345热线")
    assert {"接诉即办", "未诉先办", "12345", "热线"} <= set(tokens)
    assert "诉" not in tokens


def test_punctuation_and_whitespace_removed():
    tokens = segment("路灯坏了！！（三号楼）《通知》【紧急】……“修一修”——谢谢。 ? ! , ; : ()")
    assert "路灯" in tokens
    assert "通知" in tokens
    assert all(WORD_TOKEN.match(t) for t in tokens), tokens


def test_stopwords_removed():
    tokens = segment("我们希望能否对小区的停车问题进行整治，建议增加停车位")
    for stop in ("我们", "希望", "能否", "对", "的", "问题", "进行", "建议"):
        assert stop not in tokens
    assert {"小区", "停车", "整治", "增加", "停车位"} <= set(tokens)


def test_single_character_content_words_kept():
    assert "坏" in segment("路灯坏了")


def test_mixed_english_is_lowercased():
    tokens = segment("小区WiFi覆盖和5G基站，APP报修")
    assert {"wifi", "5g", "app", "覆盖", "基站"} <= set(tokens)
    assert not any(t != t.lower() for t in tokens)


def test_full_width_forms_normalised():
    assert segment("ＷｉＦｉ信号差，拨打１２３４５") == segment("WiFi信号差,拨打12345")


def test_segment_keeps_duplicates_for_term_frequency():
    assert segment("电梯电梯电梯").count("电梯") == 3


def test_segment_empty():
    assert segment("") == []
    assert segment(" ，。！ ") == []


def test_tokenizer_loads_quietly(monkeypatch, capfd):
    # Force a fresh dictionary load with jieba's logger at its noisy default and
    # make sure the "Building prefix dict..." banner is silenced.
    handler = jieba.log_console
    monkeypatch.setattr(handler, "stream", sys.stderr)
    previous = jieba.default_logger.level
    jieba.setLogLevel(logging.DEBUG)
    monkeypatch.setattr(text, "_tokenizer", None)
    try:
        assert segment("加装电梯")
    finally:
        jieba.setLogLevel(previous)
    assert text._tokenizer is not None
    assert capfd.readouterr().err == ""


def test_domain_words_do_not_leak_into_global_jieba():
    segment("未诉先办")
    assert not jieba.dt.FREQ.get("未诉先办")


# --- search_document -------------------------------------------------------------


def test_search_document_weights_title_and_is_word_only():
    doc = search_document("老旧小区加装电梯", "三号楼住着很多老人，上下楼很困难。")
    tokens = doc.split(" ")
    assert tokens.count("加装电梯") == 2
    assert tokens.count("老人") == 1
    assert "。" not in doc and "，" not in doc
    assert all(WORD_TOKEN.match(t) for t in tokens)


def test_search_document_handles_empty_parts():
    assert search_document("", "") == ""
    assert search_document("充电桩", "") == "充电 充电桩 充电 充电桩"


@needs_fts5
def test_search_document_round_trips_through_fts5_tokenizer():
    # FTS5 must see exactly our tokens: nothing split, merged or dropped.
    doc = search_document("Wi-Fi 覆盖：老旧小区“适老化”改造", "c++/3.5元_每月 ｅｍａｉｌ@x.com 😀")
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(doc)")
    con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    con.execute("INSERT INTO t(doc) VALUES (?)", (doc,))
    fts_tokens = [row[0] for row in con.execute("SELECT term FROM v ORDER BY offset")]
    assert fts_tokens == doc.split(" ")


# --- query tokens & expressions -------------------------------------------------


def test_query_tokens_match_document_tokens():
    doc_tokens = set(search_document("老旧小区加装电梯", "").split())
    for query in ("加装电梯", "电梯", "老旧小区", "小区 电梯"):
        q_tokens = search_query_tokens(query)
        assert q_tokens
        assert set(q_tokens) <= doc_tokens, query


def test_query_drops_compound_whose_parts_are_required():
    assert search_query_tokens("加装电梯") == ["加装", "电梯"]
    # 老旧 is not a dictionary word, so the compound is what carries the meaning.
    assert "老旧小区" in search_query_tokens("老旧小区")


def test_query_tokens_deduplicated_in_order_and_capped():
    assert search_query_tokens("电梯 停车 电梯 Parking parking") == ["电梯", "停车", "parking"]
    many = " ".join(f"word{i}" for i in range(30))
    assert search_query_tokens(many) == [f"word{i}" for i in range(10)]


def test_query_tokens_empty():
    assert search_query_tokens("") == []
    assert search_query_tokens("的了吗？！") == []
    assert fts5_match_expression([]) == ""
    assert tsquery_expression([]) == ""


def test_expressions_for_normal_query():
    tokens = search_query_tokens("老旧小区加装电梯")
    assert fts5_match_expression(tokens) == '"小区" AND "老旧小区" AND "加装" AND "电梯"'
    assert tsquery_expression(tokens) == "'小区' & '老旧小区' & '加装' & '电梯'"


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_only_quoted_tokens(query):
    tokens = search_query_tokens(query)
    assert all(WORD_TOKEN.match(t) for t in tokens)
    fts = fts5_match_expression(tokens)
    tsq = tsquery_expression(tokens)
    assert fts == "" or FTS5_EXPR.match(fts), fts
    assert tsq == "" or TSQUERY_EXPR.match(tsq), tsq


def test_hostile_fts5_example():
    tokens = search_query_tokens('"a" OR b*) NEAR(')
    assert fts5_match_expression(tokens) == '"a" AND "or" AND "b" AND "near"'
    assert tsquery_expression(search_query_tokens("'; drop table")) == "'drop' & 'table'"


def test_builders_sanitise_raw_tokens():
    # Builders must be safe even when handed tokens that did not come from
    # search_query_tokens().
    raw = ['"a" OR b*', "it's", "back\\slash", "NEAR(", "", "**"]
    assert fts5_match_expression(raw) == (
        '"a" AND "or" AND "b" AND "it" AND "s" AND "back" AND "slash" AND "near"'
    )
    assert TSQUERY_EXPR.match(tsquery_expression(raw))


@needs_fts5
@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_expressions_are_valid_fts5(query):
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(doc)")
    con.execute("INSERT INTO t(doc) VALUES (?)", (search_document("加装电梯", "drop table"),))
    expr = fts5_match_expression(search_query_tokens(query))
    if expr:
        con.execute("SELECT rowid FROM t WHERE t MATCH ?", (expr,)).fetchall()


# --- FTS5 end to end ---------------------------------------------------------------


PROPOSALS = {
    1: ("老旧小区加装电梯", "三号楼住着很多老人，上下楼很困难，希望加装电梯。"),
    2: ("社区食堂建设", "建议在社区建一个社区食堂，方便老年人就餐。"),
    3: ("增加充电桩", "小区停车位紧张，电动车没有充电桩，经常飞线充电。"),
    4: ("关于电梯维修的问题", "5号楼电梯经常坏，请物业及时维修。"),
    5: ("适老化改造", "建议在小区里加装一部电梯，并改造无障碍坡道。"),
    6: ("Park & Ride", "Build a bike parking lot near the METRO station."),
}


@pytest.fixture
def fts_db():
    if not _fts5_available():
        pytest.skip("sqlite3 built without FTS5")
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(doc)")
    con.executemany(
        "INSERT INTO t(rowid, doc) VALUES (?, ?)",
        [(pid, search_document(title, desc)) for pid, (title, desc) in PROPOSALS.items()],
    )
    yield con
    con.close()


def _search(con, query):
    expr = fts5_match_expression(search_query_tokens(query))
    if not expr:
        return []
    rows = con.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank", (expr,))
    return [row[0] for row in rows]


def test_fts5_finds_elevator_installation(fts_db):
    hits = _search(fts_db, "加装电梯")
    assert sorted(hits) == [1, 5]
    # Title hit outranks the description-only hit.
    assert hits[0] == 1


def test_fts5_sub_word_query(fts_db):
    assert sorted(_search(fts_db, "电梯")) == [1, 4, 5]
    assert sorted(_search(fts_db, "充电桩")) == [3]
    assert sorted(_search(fts_db, "社区食堂")) == [2]


def test_fts5_english_case_insensitive(fts_db):
    assert _search(fts_db, "metro") == [6]
    assert _search(fts_db, "PARKING") == [6]


def test_fts5_no_match_and_hostile(fts_db):
    assert _search(fts_db, "垃圾分类") == []
    for query in HOSTILE:
        _search(fts_db, query)  # must not raise


# --- similarity ----------------------------------------------------------------------


def test_title_signature_includes_words_and_bigrams():
    sig = title_signature("老旧小区加装电梯")
    assert {"老旧小区", "加装电梯", "加装", "电梯"} <= sig
    assert {"老旧", "旧小", "装电"} <= sig
    # Boilerplate does not contribute bigrams.
    assert not {"梯的", "的建"} & title_signature("为老旧小区加装电梯的建议")
    assert title_signature("") == frozenset()


def test_similarity_bounds():
    a = title_signature("老旧小区加装电梯")
    assert similarity(a, a) == 1.0
    assert similarity(a, frozenset()) == 0.0
    assert similarity(frozenset(), frozenset()) == 0.0


def test_similarity_ranks_near_duplicates_high():
    base = title_signature("老旧小区加装电梯")
    dup = similarity(base, title_signature("为老旧小区加装电梯的建议"))
    related = similarity(base, title_signature("小区电梯维修"))
    unrelated = similarity(base, title_signature("社区食堂建设"))
    assert dup >= 0.8
    assert dup > related > unrelated
    assert unrelated < 0.1


def test_similar_orders_filters_and_limits():
    candidates = [
        (7, "社区食堂建设"),
        (3, "关于老旧小区加装电梯的问题"),
        (5, "为老旧小区加装电梯的建议"),
        (9, "老旧小区加装电梯，解决老人上下楼难"),
        (2, "小区电梯维修"),
    ]
    result = similar("老旧小区加装电梯", candidates)
    ids = [cid for cid, _ in result]
    assert ids[:2] == [3, 5]  # identical scores: tie broken by id
    assert 9 in ids
    assert 7 not in ids
    scores = [score for _, score in result]
    assert scores == sorted(scores, reverse=True)
    assert all(0.3 <= s <= 1.0 for s in scores)
    assert similar("老旧小区加装电梯", candidates, limit=1) == [(3, 1.0)]
    assert similar("老旧小区加装电梯", candidates, threshold=1.01) == []
    assert similar("", candidates) == []


# --- top_terms -----------------------------------------------------------------------


def test_top_terms_counts_and_order():
    texts = [
        "老旧小区加装电梯",
        "希望加装电梯！加装电梯！加装电梯！",
        "建议老旧小区增加停车位",
        "拨打12345反映停车位不足，2024年至今未解决",
        "的了吗",
    ]
    terms = top_terms(texts)
    counts = dict(terms)
    assert terms[:3] == [("停车位", 2), ("加装电梯", 2), ("老旧小区", 2)]
    assert counts["12345"] == 1
    assert "2024" not in counts
    for excluded in ("的", "了", "希望", "建议", "年"):
        assert excluded not in counts
    assert all(len(term) >= 2 for term in counts)
    # Sub-words of compounds are not double counted.
    assert "电梯" not in counts
    assert [c for _, c in terms] == sorted((c for _, c in terms), reverse=True)


def test_top_terms_limit_and_empty():
    assert top_terms([]) == []
    assert len(top_terms(["老旧小区加装电梯 停车位 充电桩 垃圾分类"], n=2)) == 2
    assert top_terms(["电梯"], n=0) == []


def test_top_terms_deterministic_ties():
    terms = top_terms(["充电桩", "垃圾分类", "口袋公园"])
    assert terms == sorted(terms, key=lambda item: (-item[1], item[0]))


def test_match_any_joins_with_or():
    from proposals.collection.text import fts5_match_expression, tsquery_expression

    assert fts5_match_expression(["电梯", "加装"], match_any=True) == '"电梯" OR "加装"'
    assert tsquery_expression(["电梯", "加装"], match_any=True) == "'电梯' | '加装'"
