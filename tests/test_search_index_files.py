"""The search index files: every substring of a page's text finds the page."""

from __future__ import annotations

import random

from conftest import CONTENT

from generator.schema.validate import load_catalog
from generator.site.search_index import (
    decode_ids,
    encode_ids,
    fold,
    index_files,
    key_hash,
    keys_of,
    pinyin_keys,
    pinyin_of,
    script_data,
)
from generator.site.urls import SiteUrls

CATALOG = load_catalog(CONTENT)
FILES = dict(index_files(CATALOG, SiteUrls()))
META = script_data(FILES["search/meta.js"])
DOCS = [script_data(FILES[f"search/d/{n}.js"]) for n in range(META["documents"])]


def lookup(key: str) -> list[list[int]]:
    chunk = script_data(FILES[f"search/k/{key_hash(key) % META['chunks']}.js"])
    return [decode_ids(tier) for tier in chunk.get(key, "").split("|")] if key in chunk else []


def search(query: str) -> list[str]:
    """What a client does: the candidates of every key of the query, confirmed against the text."""
    folded = fold(query)
    keys = [folded] if len(folded) <= 2 else [folded[i : i + 2] for i in range(len(folded) - 1)]
    candidates = None
    for key in keys:
        found = {doc for tier in lookup(key) for doc in tier}
        candidates = found if candidates is None else candidates & found
    hits = [
        n
        for n in sorted(candidates or ())
        if any(folded in fold(f[2]) or folded in fold(f[4]) for f in DOCS[n]["fields"])
    ]
    return [DOCS[n]["title"] for n in hits]


def test_ids_round_trip_through_their_encoding() -> None:
    rng = random.Random(13)
    for _ in range(200):
        ids = sorted(rng.sample(range(5000), rng.randint(0, 300)))
        assert decode_ids(encode_ids(ids)) == ids
    assert encode_ids([0, 1, 2, 3, 7]) == "+4,4"


def test_the_hash_is_fnv1a_over_utf16_units() -> None:
    assert key_hash("") == 0x811C9DC5
    assert key_hash("a") == 0xE40C292C  # the published FNV-1a test vector
    # A character outside the BMP is two UTF-16 units, as JavaScript's charCodeAt sees it.
    high, low = 0xD840, 0xDC00
    expected = ((((0x811C9DC5 ^ high) * 0x01000193) & 0xFFFFFFFF ^ low) * 0x01000193) & 0xFFFFFFFF
    assert key_hash("𠀀") == expected


def test_full_and_half_width_forms_fold_to_one() -> None:
    assert fold("ＡＢＣ　１２３％（Ｐ）") == "abc 123%(p)"
    assert keys_of("村干部") == {"村", "干", "部", "村干", "干部"}


def test_digits_and_letters_are_keyed_by_three_characters_too() -> None:
    assert keys_of("P10年") == {"p", "1", "0", "年", "p1", "10", "0年", "p10"}


def test_any_piece_of_a_page_finds_it() -> None:
    assert "村干部基础职务补贴" in search("干部")  # inside a word jieba keeps whole
    assert "村干部基础职务补贴" in search("P10057D")  # a code's tail
    assert "村干部基础职务补贴" in search("4916.86") and "村干部基础职务补贴" in search("4,916.86")
    assert len(search("2024年底前完成")) >= 12  # digits and Chinese together
    assert "村干部基础职务补贴" in search("ｐ１００５７ｄ")  # full-width, as an input method may type it
    assert search("村") and search("≥")  # one character


def test_no_page_is_found_by_text_it_does_not_have() -> None:
    assert search("补贴村干部") == []
    assert search("4916.87") == []


def test_titles_rank_first_and_equal_matches_by_year_then_code() -> None:
    ranked = lookup("补贴")
    titles = {DOCS[n]["title"] for n in ranked[0]}
    assert "村干部基础职务补贴" in titles
    projects = [d for d in DOCS if d["url"].count("/") == 3]
    assert [d["url"] for d in projects] == sorted(d["url"] for d in projects)


def test_a_snippet_comes_from_one_field_with_its_row_anchor() -> None:
    document = next(d for d in DOCS if d["title"] == "村干部基础职务补贴")
    cells = [f for f in document["fields"] if f[2] == "≥100%"]
    assert cells and all(f[3].startswith("13022524P00442P10057D-") for f in cells)


def test_the_meta_file_names_each_years_page_for_an_empty_result_to_offer() -> None:
    assert META["years"] == [[2024, "2024/"]]


def test_a_name_is_kept_as_typed_in_pinyin_in_full_and_by_initials() -> None:
    assert pinyin_of("村干部基础职务补贴") == "cunganbujichuzhiwubutie cgbjczwbt"
    assert pinyin_of("乐亭县银行行长") == "laotingxianyinhanghangzhang ltxyhhz"  # heteronyms read in context
    assert pinyin_of("绿化") == "lvhua lh"  # ü as a keyboard types it
    assert pinyin_of("2024年") == "nian n" and pinyin_of("ABC") == ""  # only Chinese characters are spelled
    # Keyed by runs of three letters of each word only: one or two letters would be in every page.
    assert pinyin_keys("lvhua lh") == {"lvh", "vhu", "hua"}
    titles = {DOCS[n]["title"] for tier in lookup("cgb") for n in tier}
    assert titles == {"村干部基础职务补贴", "村干部绩效补贴"}
    assert not lookup("cg") and not lookup("bt")
