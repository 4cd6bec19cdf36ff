"""The search index rewrite (generator/search.py): plain functions, no browser."""

from __future__ import annotations

import json
from pathlib import Path

from generator import search
from generator.search import JOINER, TAIL, ZWSP
from generator.urls import project_code_of


def words(field: str) -> list[str]:
    return [w for w in field.split(ZWSP) if w]


def test_compounds_are_shown_as_their_smallest_words() -> None:
    assert search.fine_words("村干部基础职务补贴") == ["村", "干部", "基础", "职务", "补贴"]
    assert search.fine_words("远程教育网络") == ["远程", "教育", "网络"]


def test_a_single_character_is_never_a_word_the_browser_cuts_a_query_with() -> None:
    shown = search.visible("村干部基础职务补贴")
    assert words(shown) == ["村" + JOINER, "干部", "基础", "职务", "补贴"]
    assert shown.replace(ZWSP, "").replace(JOINER, "") == "村干部基础职务补贴"


def test_hidden_tokens_keep_jiebas_compounds_and_the_start_of_the_next_word() -> None:
    tokens = search.hidden_tokens("村干部绩效补贴")
    assert "村干部" in tokens  # precise-mode word, split in the visible text
    assert "绩效补" in tokens  # so that 绩效补贴 is not searched as 绩效 alone


def test_a_query_may_start_where_jieba_glued_or_cut_words() -> None:
    # jieba cuts 组织史征编 as 组织|史征|编: 征编 starts inside 史征.
    tokens = search.hidden_tokens("组织史征编工作专项经费")
    assert any(t.startswith("征编") and t.endswith(TAIL) for t in tokens)


def test_code_tails_start_at_each_letter_or_digit_group() -> None:
    assert search.code_tails("编码 13022524P00442P10057D。") == {
        "P00442P10057D",
        "00442P10057D",
        "P10057D",
        "10057D",
    }
    assert search.code_tails("4,916.86 万元 2024 年") == set()


def test_page_code_is_read_from_a_project_pages_own_entry() -> None:
    assert project_code_of("2024/203001/13022524P00442P10057D/") == "13022524P00442P10057D"
    assert project_code_of("2024/203001/13022524P00442P10057D.html") == "13022524P00442P10057D"
    assert project_code_of("2024/203001/13022524P00442P10057D/#plan") is None
    assert project_code_of("2024/203001/") is None


def test_compact_drops_tokens_that_start_a_longer_token_of_the_entry() -> None:
    kept = search.compact({"干部培训" + TAIL, "干部" + TAIL, "村干部", "培训" + TAIL}, visible_words=["培训费"])
    assert kept == ["干部培训" + TAIL, "村干部"]


def test_rewrite_keeps_the_text_and_adds_hidden_fields(tmp_path: Path) -> None:
    index = {
        "config": {
            "lang": ["zh"],
            "separator": "[\\s\\u200b]+",
            "pipeline": [],
            "fields": {"title": {"boost": 1000.0}},
        },
        "docs": [
            {
                "location": "2024/203001/13022524P00442P10057D/",
                "title": "村干部\u200b基础\u200b职务\u200b补贴",
                "text": "<p>用于\u200b发入\u200b村干部\u200b基础\u200b职务\u200b补贴</p>",
            }
        ],
    }
    path = tmp_path / "search_index.json"
    path.write_text(json.dumps(index), encoding="utf-8")
    before, after = search.rewrite_index_file(path)
    assert (before, after) == (len(json.dumps(index)), path.stat().st_size)
    raw = path.read_text(encoding="utf-8")
    assert "\\u" not in raw.split('"docs"')[1]  # UTF-8, not \\uXXXX escapes
    data = json.loads(raw)
    assert data["config"]["fields"][search.TITLE_FIELD] == {"boost": 1000.0}
    doc = data["docs"][0]
    plain = str.maketrans("", "", ZWSP + JOINER)
    assert doc["title"].translate(plain) == "村干部基础职务补贴"
    assert doc["text"].translate(plain) == "<p>用于发入村干部基础职务补贴</p>"
    assert "p10057d" in doc[search.TITLE_FIELD].split()
    assert "村干部" in doc[search.TITLE_FIELD].split()


def test_no_index_is_left_alone(tmp_path: Path) -> None:
    assert search.rewrite_index_file(tmp_path / "search_index.json") is None
