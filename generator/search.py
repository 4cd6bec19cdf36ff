"""Chinese search: rewrite Material's search index so that a query finds every page containing it.

Material's browser search (Lunr) matches a query only against the *start* of an
indexed word, and it splits a Chinese query into pieces using the words it finds
in the index (`segment()` in its worker): a piece is any indexed word that starts
the query or follows another piece. So both the words in the index and which of
them are "words" decide what a citizen can find. This module rewrites the index
(plain functions, no MkDocs import) so that:

- the visible title and text are cut into small words (村干部 -> 村 干部), so that
  the part of a longer word a citizen types is itself a word and is highlighted;
- a single character is never an indexed word: the query 村干部 would otherwise be
  cut to 村 and find every page with a word starting with 村. A single character
  is kept searchable but joined to an invisible WORD JOINER;
- hidden fields hold, for the places where no visible word starts, the text that
  follows (up to a few characters): a query may then start anywhere in the text,
  including where jieba glued two words (该项|目的) or cut a domain term oddly.
  These tokens end in `~`, so they are never taken as words to cut a query with;
- jieba's own (coarser) words stay in the hidden fields as words (村干部, 远程教育), so
  queries of several words typed together are cut as before;
- a project code is also indexed from each of its letter/digit groups (P10057D);
- only what a token adds is kept: a token that starts another token of the same
  entry is dropped, and every token appears once per entry.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import jieba

from generator.load import collector_paused
from generator.urls import PROJECT_CODE, project_code_of

#: Between indexed words; Material's config.separator contains it and it is invisible.
ZWSP = "\u200b"
#: Joined to a one-character word: invisible, not a separator, and not Han, so the
#: browser never cuts a query at that character (it cuts only at Han-only words).
JOINER = "\u2060"
#: Ends a hidden token that must match a query's start but never cut a query.
TAIL = "~"
#: Hidden tokens of the title (searched with the title's boost) and of the text.
TITLE_FIELD = "ts"
TEXT_FIELD = "xs"
#: How many characters a hidden token covers at least: longer queries that start
#: in the middle of a word are cut into pieces by the browser, each a word.
REACH = 3

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
TAG = re.compile(r"<[^>]*>")
CODE_GROUP = re.compile(r"[A-Za-z]+|[0-9]+")
MIN_CODE_TAIL = 4


def fine_words(run: str) -> list[str]:
    """Cut a run of Han characters into the smallest dictionary words jieba knows.

    jieba's precise mode keeps compounds whole (村干部, 远程教育); its search mode also
    finds the dictionary words inside them (干部; 远程, 教育). A compound is replaced by
    the longest such words from left to right; what no word covers stays a character.
    """
    return list(_fine_words(run))


# Budget pages repeat the same runs (县委县政府安排, 预算资金完成率, every label) on
# every page: remembering each run's cut makes the rewrite linear in distinct text.
@functools.lru_cache(maxsize=200_000)
def _fine_words(run: str) -> tuple[str, ...]:
    words: list[str] = []
    for word in jieba.cut(run, HMM=True):
        words.extend(_split_compound(word))
    return tuple(words)


def _split_compound(word: str) -> list[str]:
    if len(word) < 3:
        return [word]
    inner = {w for w in jieba.cut_for_search(word) if len(w) >= 2 and w != word and w in word}
    if not inner:
        return [word]
    parts: list[str] = []
    i = 0
    while i < len(word):
        match = max((w for w in inner if word.startswith(w, i)), key=len, default=word[i])
        parts.append(match)
        i += len(match)
    return parts


@functools.lru_cache(maxsize=200_000)
def coarse_words(run: str) -> tuple[str, ...]:
    """jieba's precise words of at least two characters (the words Material indexed)."""
    return tuple(w for w in jieba.cut(run, HMM=True) if len(w) >= 2)


@functools.lru_cache(maxsize=200_000)
def visible(run: str) -> str:
    """A Han run as it is shown in a result: small words between invisible separators."""
    return ZWSP + ZWSP.join(w + JOINER if len(w) == 1 else w for w in fine_words(run)) + ZWSP


@functools.lru_cache(maxsize=200_000)
def hidden_tokens(run: str) -> frozenset[str]:
    """What the hidden fields need for one Han run so that any query inside it is found.

    - jieba's coarse words that the visible cut split (村干部), as words;
    - each word with the first character of the next one (绩效补), as words;
    - where no visible word starts, the text that follows (REACH characters, or the
      whole dictionary word there), marked with TAIL.
    """
    fine = fine_words(run)
    starts = {sum(len(w) for w in fine[:index]) for index in range(len(fine))}
    tokens = {word for word in coarse_words(run) if word not in fine}
    # The browser never uses a query's last character to cut it, so 绩效补贴 would be
    # searched as 绩效 alone. With 绩效补 as a word it is cut as 绩效补, which only the
    # pages where 补 follows 绩效 contain.
    # (A word of one character after it would make the key the whole query, which the
    # browser never looks up.)
    for word, following in itertools.pairwise(fine):
        if len(word) >= 2 and len(following) >= 2:
            tokens.add(word + following[0])
    # Domain words are not in jieba's dictionary (征编 in 组织史征编), so a query may
    # start at any character; where no dictionary word starts, two characters are enough
    # for a query of two, and a longer one is cut by the browser into indexed words.
    dag = jieba.get_DAG(run)
    for i in range(len(run) - 1):
        if i not in starts:
            longest = max(dag.get(i, [i])) + 1
            reach = max(REACH, longest - i) if longest - i >= 2 else 2
            tokens.add(run[i : i + reach] + TAIL)
    return frozenset(tokens)


def code_tails(text: str) -> set[str]:
    """The tails of every project code in a text, from each letter/digit group on."""
    tails = set()
    for match in PROJECT_CODE.finditer(text):
        code = match.group(0)
        for group in CODE_GROUP.finditer(code):
            tail = code[group.start() :]
            if group.start() > 0 and len(tail) >= MIN_CODE_TAIL:
                tails.add(tail)
    return tails


def compact(tokens: Iterable[str], visible_words: Iterable[str] = ()) -> list[str]:
    """Drop every token that adds nothing: a marked token that starts another token.

    Lunr matches a query against the start of a token, so a token that is the start
    of a longer one in the same entry finds nothing more. Words (unmarked) are kept:
    the browser needs them to cut queries.
    """
    words = {w.lower() for w in visible_words}
    unique = {t for t in tokens if t not in words}
    stems = [t[:-1] if t.endswith(TAIL) else t for t in unique] + list(words)
    starts = {stem[:end] for stem in stems for end in range(1, len(stem))}
    return sorted(t for t in unique if not (t.endswith(TAIL) and (t[:-1] in starts or t[:-1] in words)))


def plain(segmented: str) -> str:
    """Material's segmented text back to the page's text."""
    return segmented.replace(ZWSP, "")


def segment_field(text: str) -> tuple[str, list[str]]:
    """The visible field (small words) and its hidden tokens, from a field as Material wrote it."""
    text = plain(text)
    tokens: set[str] = set()
    words: list[str] = []
    outside_tags = TAG.split(text)
    for piece in outside_tags:
        for run in HAN.findall(piece):
            tokens |= hidden_tokens(run)
            words.extend(w for w in fine_words(run) if len(w) > 1)
        tokens |= code_tails(piece)
    shown = _replace_outside_tags(text, lambda run: visible(run))
    return shown, compact(tokens, words)


def _replace_outside_tags(text: str, replace: Callable[[str], str]) -> str:
    parts = re.split(r"(<[^>]*>)", text)
    for index in range(0, len(parts), 2):
        parts[index] = HAN.sub(lambda m: replace(m.group(0)), parts[index])
    joined = "".join(parts)
    # Separators at the edges of a field match nothing; Material strips them too.
    return joined.strip(ZWSP)


def rewrite_entry(doc: dict) -> dict:
    """One entry of Material's index with small visible words and hidden sub-word fields."""
    doc = dict(doc)
    doc["title"], title_tokens = segment_field(doc["title"])
    code = project_code_of(doc["location"])
    if code:
        title_tokens = sorted({*title_tokens, code.lower(), *(t.lower() for t in code_tails(code))})
    doc["text"], text_tokens = segment_field(doc["text"])
    if title_tokens:
        doc[TITLE_FIELD] = " ".join(title_tokens)
    in_title = set(title_tokens)
    text_tokens = [t for t in text_tokens if t not in in_title]
    if text_tokens:
        doc[TEXT_FIELD] = " ".join(text_tokens)
    return doc


def rewrite_index(data: dict) -> dict:
    """The search index with small visible words and hidden sub-word fields."""
    fields = data["config"]["fields"]
    fields[TITLE_FIELD] = {"boost": fields.get("title", {}).get("boost", 1000.0)}
    fields[TEXT_FIELD] = {"boost": fields.get("text", {}).get("boost", 1.0)}
    data["docs"] = [rewrite_entry(doc) for doc in data["docs"]]
    return data


def dumps(data: dict) -> str:
    """Compact JSON in UTF-8: a Chinese character costs 3 bytes, not 6 as \\uXXXX."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def rewrite_index_file(path: Path) -> tuple[int, int] | None:
    """Rewrite Material's search_index.json in place; its size in bytes before and after."""
    if not path.is_file():
        return None  # search is disabled
    before = path.read_bytes()
    with collector_paused():
        after = dumps(rewrite_index(json.loads(before))).encode("utf-8")
    path.write_bytes(after)
    return len(before), len(after)
