"""Chinese-aware segmentation, full-text search expressions and similarity for proposal text."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import TypeVar

import jieba

__all__ = [
    "DOMAIN_WORDS",
    "STOPWORDS",
    "TOPIC_STOPWORDS",
    "fts5_match_expression",
    "search_document",
    "search_query_tokens",
    "segment",
    "similar",
    "similarity",
    "title_signature",
    "top_terms",
    "tsquery_expression",
]

_DATA = Path(__file__).with_name("data")


def _entries(name: str) -> list[list[str]]:
    """A data file's lines split on whitespace; blank lines and # comments skipped."""
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _user_dictionary() -> tuple[tuple[str, int | None], ...]:
    """(word, frequency or None) in jieba's user-dictionary format, each word once."""
    found: dict[str, int | None] = {}
    for word, *rest in _entries("userdict.txt"):
        found.setdefault(word, int(rest[0]) if rest and rest[0].isdigit() else None)
    return tuple(found.items())


# Local civic-affairs vocabulary (data/userdict.txt). jieba's stock dictionary either
# splits these (未诉先办 -> 未/诉/先办, 四点半课堂 -> 四点/半/课堂) or only knows them as
# parts; registering them makes the whole term one token, while search mode still emits
# the dictionary sub-words (加装电梯 -> 加装, 电梯, 加装电梯) so shorter queries keep matching.
_USER_DICTIONARY = _user_dictionary()
DOMAIN_WORDS: tuple[str, ...] = tuple(word for word, _freq in _USER_DICTIONARY)

# Filler the hot topics leave out (data/stopwords.txt): what is done (改造, 建设), generic
# things (服务, 问题, 情况), fragments. Search keeps them.
TOPIC_STOPWORDS: frozenset[str] = frozenset(word for word, *_ in _entries("stopwords.txt"))

# Deliberately small: only function words and the boilerplate every proposal
# starts with ("希望…建议…能否解决…问题"). A long list would start eating real
# topics, and single-character content words (灯, 路, 树) must survive.
STOPWORDS: frozenset[str] = frozenset(
    """
    的 地 得 了 着 过 和 与 及 以及 或 或者 而 但 但是 并 并且 也 都 就 还 又 很
    在 是 对 对于 关于 等 把 被 将 从 向 为 为了 给 让 由 于 之 其 这 那 这个 那个
    这些 那些 我 我们 你 你们 他 他们 她 它 大家 吗 呢 吧 啊 呀 哦 一个 一些 进行
    希望 建议 请 请求 恳请 能否 能不能 是否 可以 可否 问题 如何 怎么 什么
    """.split()
)

# Hot-topic terms must have at least this many characters: single characters
# are too ambiguous to be a "topic" on their own.
_MIN_TERM_LEN = 2
# Pure numbers are not topics, except the citizen hotline everyone refers to.
_NUMERIC_TERMS_KEPT = frozenset({"12345"})

# A token longer than this is junk (pasted URLs, base64, keyboard mashing); it
# would bloat the index and PostgreSQL rejects over-long words anyway.
_MAX_TOKEN_LEN = 64
# Queries come straight from users; bounding input bounds jieba's work.
_MAX_QUERY_CHARS = 200
_MAX_QUERY_TOKENS = 10

# CJK unified ideographs (basic, extension A, compatibility, extensions B+),
# used to decide which runs get character bigrams.
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")

_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()

_ID = TypeVar("_ID", bound=Hashable)


def warm_up() -> None:
    """Build the tokenizer now (a server's master does, before it forks its workers)."""
    _jieba()


def _jieba() -> jieba.Tokenizer:
    """Return the shared tokenizer, loading jieba's dictionary on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                # jieba logs "Building prefix dict..." to stderr at DEBUG level
                # on initialisation; keep test and server output clean.
                jieba.setLogLevel(logging.WARNING)
                # A private Tokenizer rather than jieba's global one, so the
                # domain words don't leak into (or get reset by) other users of
                # jieba in the same process.
                tok = jieba.Tokenizer()
                tok.initialize()
                for word, freq in _USER_DICTIONARY:
                    # freq=None lets jieba pick a frequency just high enough to
                    # keep the word whole.
                    tok.add_word(word, freq)
                _tokenizer = tok
    return _tokenizer


def _normalize(text: str) -> str:
    # NFKC folds full-width forms (ＷｉＦｉ, １２３４５) into ASCII so they
    # segment and match like their half-width twins.
    return unicodedata.normalize("NFKC", text).lower()


def _is_word_char(ch: str) -> bool:
    # Letters and numbers only: exactly the characters that both SQLite FTS5's
    # unicode61 tokenizer (categories L*/N*) and PostgreSQL's default parser keep
    # inside a word. Everything else -- ASCII and full-width punctuation, "_",
    # whitespace, symbols, emoji -- is a separator or an operator there.
    return unicodedata.category(ch)[0] in "LN"


def _word_runs(token: str) -> list[str]:
    """Split a token into its maximal runs of letters/numbers."""
    runs: list[str] = []
    current: list[str] = []
    for ch in token:
        if _is_word_char(ch):
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def _clean(tokens: Iterable[str]) -> list[str]:
    # jieba keeps things like "wi-fi", "3.5" or "c++" as single tokens; splitting
    # them into word runs keeps every emitted token a single FTS token.
    out: list[str] = []
    for token in tokens:
        for run in _word_runs(token):
            if len(run) <= _MAX_TOKEN_LEN and run not in STOPWORDS:
                out.append(run)
    return out


def segment(text: str) -> list[str]:
    """Segment text with jieba search mode into lowercased content tokens.

    Search mode emits both whole words and their dictionary sub-words
    (老旧小区加装电梯 -> 小区, 老旧小区, 加装, 电梯, 加装电梯), which is what lets a
    query for 电梯 match a document about 加装电梯. Whitespace, punctuation
    (ASCII and full-width) and ``STOPWORDS`` are dropped; duplicates are kept
    because term frequency matters for ranking.
    """
    if not text:
        return []
    return _clean(_jieba().cut_for_search(_normalize(text)))


def _segment_precise(text: str) -> list[str]:
    # Precise mode yields each word once (加装电梯, not 加装/电梯/加装电梯); used
    # where sub-words would double count.
    if not text:
        return []
    return _clean(_jieba().cut(_normalize(text)))


def search_document(title: str, description: str) -> str:
    """Build the text to store in a full-text column for a proposal.

    Returns space-separated tokens; the title's tokens appear twice so title
    hits rank above description-only hits. Every token consists solely of
    Unicode letters/numbers, so SQLite FTS5 (default ``unicode61`` tokenizer)
    and PostgreSQL ``to_tsvector('simple', ...)`` each read it back as exactly
    the same tokens, with no operators, prefixes or stray punctuation.
    """
    title_tokens = segment(title or "")
    tokens = title_tokens + title_tokens + segment(description or "")
    return " ".join(tokens)


def _composable(word: str, parts: set[str]) -> bool:
    """True if ``word`` is a concatenation of two or more strings in ``parts``."""
    # can_end[i]: word[:i] can be built from parts (word itself is excluded).
    can_end = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            piece = word[start:end]
            if can_end[start] and piece != word and piece in parts:
                can_end[end] = True
                break
    return can_end[len(word)]


def search_query_tokens(q: str) -> list[str]:
    """Tokens of a user's search query: segmented like documents, deduplicated
    in order, and capped at 10.

    A compound that search mode also split into sub-words that are all present
    (加装电梯 next to 加装 and 电梯) is dropped: the sub-words are required
    anyway, and requiring the compound too would miss 小区里加装一部电梯.
    Tokens contain only letters/numbers, i.e. nothing special to FTS5 or
    tsquery; still build expressions with ``fts5_match_expression`` /
    ``tsquery_expression``, which quote them.
    """
    tokens = list(dict.fromkeys(segment((q or "")[:_MAX_QUERY_CHARS])))
    parts = set(tokens)
    kept = [t for t in tokens if not _composable(t, parts)]
    return kept[:_MAX_QUERY_TOKENS]


def _safe_terms(tokens: Iterable[str]) -> list[str]:
    # The builders accept arbitrary strings, not just search_query_tokens()
    # output, so re-clean here: anything that is not a letter or number splits
    # the token and disappears.
    terms: list[str] = []
    for token in tokens:
        terms.extend(_word_runs(_normalize(token)))
    return list(dict.fromkeys(terms))


def fts5_match_expression(tokens: Iterable[str], *, match_any: bool = False) -> str:
    """Build an FTS5 MATCH expression requiring every token (or any, with match_any).

    Each token is a double-quoted FTS5 string (so AND/OR/NOT/NEAR, ``*``,
    ``^``, ``:`` and parentheses are inert) and the strings are joined with
    AND. Returns "" when there is nothing to search for -- "" is not a valid
    MATCH argument, so callers should skip the query in that case.
    """
    joiner = " OR " if match_any else " AND "
    return joiner.join('"' + t.replace('"', '""') + '"' for t in _safe_terms(tokens))


def tsquery_expression(tokens: Iterable[str], *, match_any: bool = False) -> str:
    """Build a query string for PostgreSQL ``to_tsquery('simple', ...)``; all tokens or any.

    Each token is single-quoted (quotes and backslashes escaped) and the
    tokens are joined with ``&``. Returns "" when there is nothing to search
    for; to_tsquery('') matches nothing and emits a NOTICE, so skip it.
    """
    quoted = []
    for t in _safe_terms(tokens):
        escaped = t.replace("\\", "\\\\").replace("'", "''")
        quoted.append(f"'{escaped}'")
    return (" | " if match_any else " & ").join(quoted)


def title_signature(text: str) -> frozenset[str]:
    """Feature set of a title for near-duplicate detection.

    The union of the search-mode tokens and the character bigrams of each run
    of Chinese content. Bigrams make the comparison robust to jieba
    segmenting the same phrase differently in different contexts. Runs are
    broken at stopwords and punctuation so boilerplate such as 为…的建议 does
    not add bigrams like 梯的 / 的建.
    """
    if not text:
        return frozenset()
    features = set(segment(text))
    normalized = _normalize(text)
    run: list[str] = []
    runs: list[str] = []
    for token in _jieba().cut(normalized):
        if token not in STOPWORDS and _HAN_RUN.fullmatch(token):
            run.append(token)
        else:
            runs.append("".join(run))
            run = []
    runs.append("".join(run))
    for chars in runs:
        features.update(chars[i : i + 2] for i in range(len(chars) - 1))
    return frozenset(features)


def similarity(a_sig: frozenset[str], b_sig: frozenset[str]) -> float:
    """Jaccard similarity of two signatures, from 0.0 to 1.0 (0.0 if both empty)."""
    if not a_sig or not b_sig:
        return 0.0
    return len(a_sig & b_sig) / len(a_sig | b_sig)


def similar(
    query_title: str,
    candidates: Iterable[tuple[_ID, str]],
    threshold: float = 0.3,
    limit: int = 5,
) -> list[tuple[_ID, float]]:
    """Candidates whose titles look like ``query_title``.

    Returns up to ``limit`` ``(id, score)`` pairs with score >= ``threshold``,
    sorted by score descending, then id ascending (ids must be mutually
    comparable).
    """
    query_sig = title_signature(query_title)
    if not query_sig or limit <= 0:
        return []
    scored = []
    for cid, title in candidates:
        score = similarity(query_sig, title_signature(title))
        if score >= threshold:
            scored.append((cid, score))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:limit]


def top_terms(texts: Iterable[str], n: int = 20) -> list[tuple[str, int]]:
    """Most common meaningful terms across ``texts`` for the hot-topics page.

    The count is the number of texts that mention a term, so one long,
    repetitive proposal cannot dominate the list. Terms come from precise
    segmentation with the domain dictionary (加装电梯 counts once, not also as
    加装 and 电梯; 四点半课堂 is one term, not 四点 and 课堂), have at least two
    characters, are neither stopwords nor the hot topics' filler
    (``TOPIC_STOPWORDS``: 改造, 建设, 服务, 问题, ...) and are not pure numbers
    (except 12345). Ordered by count descending, then term.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        terms = {
            t
            for t in _segment_precise(text)
            if len(t) >= _MIN_TERM_LEN
            and t not in TOPIC_STOPWORDS
            and (not t.isdigit() or t in _NUMERIC_TERMS_KEPT)
        }
        counts.update(terms)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[: max(n, 0)]
