"""Hot topics in whole words: the domain dictionary keeps what residents ask for whole, the
hot topics' stop words drop the filler, and search still finds the parts."""

import pytest

from app.demo.data import TEMPLATES
from proposals.collection.text import (
    DOMAIN_WORDS,
    STOPWORDS,
    TOPIC_STOPWORDS,
    search_query_tokens,
    segment,
    top_terms,
)

TITLES = [
    "老旧小区加装电梯",
    "和平小区加装电梯的建议",
    "老旧小区停车位不足问题",
    "增设停车位和充电桩",
    "垃圾分类亭升级改造",
    "推进垃圾分类服务建设",
    "老年人居家适老化改造",
    "独居老人适老化改造情况",
    "“四点半课堂”和社区图书角",
    "残疾人辅助性就业工场建设",
]


@pytest.mark.parametrize("word", ["加装电梯", "老旧小区", "停车位", "垃圾分类", "适老化改造",
                                  "四点半课堂", "辅助性就业工场"])
def test_whole_words_are_kept_whole(word):
    terms = dict(top_terms(TITLES, n=50))
    assert word in terms


@pytest.mark.parametrize("filler", ["建设", "服务", "改造", "问题", "情况", "四点", "辅助性",
                                    "升级", "增设"])
def test_filler_and_fragments_are_dropped(filler):
    assert filler not in dict(top_terms(TITLES, n=50))


def test_counts_are_per_title_and_whole_words_are_not_split_into_parts():
    terms = dict(top_terms(TITLES, n=50))
    assert terms["加装电梯"] == 2 and terms["适老化改造"] == 2 and terms["停车位"] == 2
    for part in ("电梯", "课堂", "半", "适老化", "就业"):
        assert part not in terms


def test_search_keeps_the_filler_and_still_finds_the_parts():
    # The hot topics' stop words are theirs alone: a search for 改造 finds 改造 proposals.
    assert "改造" in segment("垃圾分类亭升级改造")
    assert search_query_tokens("改造") == ["改造"]
    tokens = segment("四点半课堂")
    assert {"四点半课堂", "课堂"} <= set(tokens)


def test_the_data_files_agree_with_each_other():
    assert len(DOMAIN_WORDS) >= 100
    assert not set(DOMAIN_WORDS) & TOPIC_STOPWORDS, "a word both kept whole and dropped"
    assert not set(DOMAIN_WORDS) & STOPWORDS
    assert all(not word.startswith("#") and " " not in word for word in DOMAIN_WORDS)


@pytest.mark.parametrize("word", [w for w in DOMAIN_WORDS if not w.isdigit()])
def test_every_dictionary_word_is_a_hot_topic_of_its_own(word):
    assert word in dict(top_terms([f"关于{word}的建议"]))


def test_the_demo_s_proposal_titles_give_whole_words_and_no_filler():
    titles = [title.format(s="长江街道", c="和平社区")
              for pairs in TEMPLATES.values() for title, _description in pairs]
    terms = set(dict(top_terms(titles, n=len(titles) * 10)))
    assert {"四点半课堂", "辅助性就业工场", "加装电梯", "适老化改造", "垃圾分类",
            "便民服务驿站", "零工驿站", "社区卫生服务中心"} <= terms
    assert not terms & {"改造", "建设", "服务", "更新", "升级", "整治", "四点", "辅助性",
                        "街道社区", "aed", "器材", "人员"}
