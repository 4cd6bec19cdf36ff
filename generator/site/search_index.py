"""The site's own search index: character n-grams in static chunks, read by
`generator/publish/theme/assets/javascripts/search.js`.

Made from the catalog, not from the built HTML. Every page that shows a department or
a project is one document; its text is kept field by field (a title, a project's own
fields, each indicator cell), so that a result's snippet comes from one field and never
runs table cells together. Text is folded (`fold`: NFKC, so full-width and half-width
forms are one; lower case; runs of whitespace one space) and every character and every
pair of adjacent characters of a field is a key, and so is every run of three ASCII
characters (`keys_of`). A page's title is also kept as it is typed in pinyin, in full and
by initials (`pinyin_of`: 村干部补贴 is found by cunganbu and cgb), keyed by its runs of
three letters only. A query of one or two characters is answered by its key's postings
alone; a longer one by the postings of keys that cover it, then confirmed against the
candidate documents' text.

Files, under `search/`, each a script `budgetSearch.add(name, data);` so that the client
loads them with a script tag, which works from file:// where fetch() is refused:

- `meta.js`: the format's version, the number of key chunks and of documents, and each
  year's page (`[year, address]`, newest first), which an empty result offers to browse;
- `k/<n>.js`: the postings of every key whose hash (`key_hash`, FNV-1a over UTF-16
  code units, as JavaScript sees a string) is n modulo the number of chunks:
  `{key: "tier0|tier1|tier2"}`, each tier the ascending ids of the documents whose best
  field for the key is of that tier (0 the title, 1 the page's own fields, 2 the rest),
  delta-coded in base 36 with `+k` for k consecutive ids (`encode_ids`);
- `d/<id>.js`: one document: its address, title, department, year and fields
  `[tier, label, text, anchor, alternative, pinyin]` (the alternative is what a reader
  may type instead: an amount without thousands separators; the pinyin, the title's).

Document ids follow the result order for equal matches: newest year first, then code.
A document's tier for a query is at least the worst of its keys' tiers, so a client
that confirms candidates in that order can show results before it has read them all.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from pypinyin import lazy_pinyin

from generator.formats.numbers import format_amount, format_percent
from generator.schema.model import (
    Budget,
    Catalog,
    Department,
    FundsLine,
    Goals,
    Indicator,
    IndicatorResult,
    Project,
    ProjectResult,
    field_of,
    fields_of,
    optional_fields,
)
from generator.site.results import outcome
from generator.site.urls import SiteUrls

VERSION = 3
FOLDER = "search"
#: The client's function that each index file calls with its name and data.
LOADER = "budgetSearch.add"
TITLE, OWN, REST = 0, 1, 2
#: The average size of a key chunk the chunk count aims at, in bytes.
CHUNK_TARGET = 12_000
WHITESPACE = re.compile(r"\s+")
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def fold(text: str) -> str:
    """Text as it is matched: full-width and half-width forms one, lower case, one space for any run.

    Character by character, as the client folds a field to find where in its text a match
    is; `lower()` is JavaScript's `toLowerCase()` for the text of a budget.
    """
    return WHITESPACE.sub(" ", text.translate(_FOLDED)).strip()


class _Folded(dict[int, str]):
    """Each character as `fold` reads it, worked out the first time it is met: str.translate's table."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = unicodedata.normalize("NFKC", chr(code)).lower()
        return folded


_FOLDED = _Folded()


def keys_of(text: str) -> set[str]:
    """Every character, every pair of adjacent characters, and every run of three ASCII characters of folded text.

    Pairs of Chinese characters are selective; pairs of digits and letters are not
    (24, 48, 82 are in most pages' amounts and codes), so codes and amounts are also
    keyed by three characters, and a client looks up 2482 or P10057D with few candidates.
    """
    folded = fold(text)
    keys = set(folded) | {folded[i : i + 2] for i in range(len(folded) - 1)}
    keys.update(triple for i in range(len(folded) - 2) if (triple := folded[i : i + 3]).isascii())
    return keys


@cache
def pinyin_of(title: str) -> str:
    """A title's Chinese characters as typed in pinyin without tones or spaces, in full and by initials.

    村干部基础职务补贴 is "cunganbujichuzhiwubutie cgbjczwbt": a visitor who types the
    name by its sounds (cunganbu) or its initials (cgb) finds it. Heteronyms are read as
    pypinyin's phrase dictionary reads them in context (干部 gan bu, 银行 yin hang); ü is v,
    as a keyboard types it.
    """
    syllables = lazy_pinyin(title, errors="ignore")
    if not syllables:
        return ""
    return "".join(syllables) + " " + "".join(syllable[0] for syllable in syllables)


def pinyin_keys(pinyin: str) -> set[str]:
    """The runs of three letters of each word of a pinyin text: one or two letters would be in every page."""
    return {word[i : i + 3] for word in pinyin.split() for i in range(len(word) - 2)}


def key_hash(key: str) -> int:
    """FNV-1a (32 bits) over the key's UTF-16 code units, which a browser computes the same way."""
    value = 0x811C9DC5
    units = key.encode("utf-16-le")
    for index in range(0, len(units), 2):
        value = ((value ^ (units[index] | units[index + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
    return value


def _base36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = DIGITS[digit] + out
        if not number:
            return out


def encode_ids(ids: list[int]) -> str:
    """Ascending ids as comma-separated base-36 gaps from the previous id (the first from -1); `+k` is k gaps of 1."""
    tokens: list[str] = []
    previous, run = -1, 0
    for number in ids:
        gap = number - previous
        previous = number
        if gap == 1:
            run += 1
            continue
        if run:
            tokens.append(f"+{_base36(run)}")
            run = 0
        tokens.append(_base36(gap))
    if run:
        tokens.append(f"+{_base36(run)}")
    return ",".join(tokens)


def decode_ids(text: str) -> list[int]:
    """The ids `encode_ids` wrote (the client's decoder does the same)."""
    ids: list[int] = []
    previous = -1
    for token in filter(None, text.split(",")):
        if token.startswith("+"):
            for _ in range(int(token[1:], 36)):
                previous += 1
                ids.append(previous)
        else:
            previous += int(token, 36)
            ids.append(previous)
    return ids


@dataclass(frozen=True)
class Field:
    """One searchable piece of a page, shown as a snippet when it matches."""

    tier: int
    label: str
    text: str
    anchor: str = ""  # the part of the page it is in: an indicator row's anchor
    alternative: str = ""  # another way a reader types it: 4916.86 for 4,916.86
    pinyin: str = ""  # a title as typed in pinyin: `pinyin_of`


@dataclass(frozen=True)
class Document:
    url: str
    title: str
    department: str
    year: int
    fields: tuple[Field, ...]
    order: tuple[int, str]  # (-year, code): the order of equal matches

    def json(self) -> dict[str, object]:
        return {
            "url": self.url,
            "title": self.title,
            "department": self.department,
            "year": self.year,
            "fields": [[f.tier, f.label, f.text, f.anchor, f.alternative, f.pinyin] for f in self.fields],
        }


def _amount(label: str, value: Decimal) -> Field:
    """An amount as a page shows it (4,916.86), found also as a reader may type it (4916.86)."""
    shown, typed = format_amount(value), f"{value:.2f}"
    return Field(OWN, label, shown, alternative=typed if typed != shown else "")


def _project_document(department: Department, project: Project, urls: SiteUrls) -> Document:
    own = [Field(OWN, field_of(Project, "code").spec.label, project.code)]
    for item in fields_of(Project):
        value = getattr(project, item.key)
        if item.is_scalar and item.key not in ("code", "number", "name") and value:
            own.append(Field(OWN, item.spec.label, str(value)))
    for item in fields_of(Budget):
        value = getattr(project.budget, item.key)
        if value is not None:
            own.append(_amount(item.spec.label, value))
    plan = field_of(Project, "plan").spec.label.removesuffix("（%）")  # 资金支出计划
    for point in project.plan.points():
        if point.percent is not None:
            own.append(Field(OWN, f"{plan}（{point.label}）", format_percent(point.percent)))
    rest = [
        Field(REST, column.spec.label, getattr(row, column.key), urls.indicator_anchor(project, row))
        for row in project.indicators
        for column in fields_of(Indicator)
        if column.key != "id" and getattr(row, column.key)
    ]
    own, rest = own + _result_own(project, department.year), rest + _result_rest(project, department.year, urls)
    return Document(
        urls.url(urls.project(department, project)),
        project.name,
        department.name,
        department.year,
        (Field(TITLE, field_of(Project, "name").spec.label, project.name, pinyin=pinyin_of(project.name)), *own, *rest),
        (-department.year, project.code),
    )


def _result_own(project: Project, year: int) -> list[Field]:
    """What the project's 自评表 says of its money: found as 全年执行数 4,908.12 or 4908.12."""
    found = outcome(project, year)
    executed = found.result.funds.total.executed if found is not None else None
    return [_amount(field_of(FundsLine, "executed").spec.label, executed)] if executed is not None else []


def _result_rest(project: Project, year: int, urls: SiteUrls) -> list[Field]:
    """The 自评表's words: each actual value and deviation reason at its row, and the goal's outcome."""
    found = outcome(project, year)
    if found is None:
        return []
    achieved = field_of(ProjectResult, "goal_achieved").spec.label
    fields = [Field(REST, achieved, found.result.goal_achieved, "result")] if found.result.goal_achieved else []
    for row in found.rows:
        anchor = urls.result_anchor(project, row.anchor_id, row.position)
        for key in ("actual", "reason"):
            text = getattr(row.result, key) if row.result is not None else ""
            if text:
                fields.append(Field(REST, field_of(IndicatorResult, key).spec.label, text, anchor))
    return fields


def _department_document(department: Department, urls: SiteUrls) -> Document:
    own = [
        Field(OWN, field_of(Department, "code").spec.label, department.code),
        *(
            Field(OWN, item.spec.label, value)
            for item in optional_fields(Department)
            if (value := getattr(department, item.key))
        ),
        _amount("部门预算合计", department.total),
    ]
    rest = [
        Field(REST, section.spec.label, text)
        for section in fields_of(Goals)
        for goal in [getattr(department.goals, section.key)]
        for text in ((goal.intro,) if goal.intro else ()) + goal.items
    ]
    return Document(
        urls.url(urls.department(department)),
        department.name,
        department.name,
        department.year,
        (
            Field(TITLE, field_of(Department, "name").spec.label, department.name, pinyin=pinyin_of(department.name)),
            *own,
            *rest,
        ),
        (-department.year, department.code),
    )


def documents(catalog: Catalog, urls: SiteUrls) -> list[Document]:
    """Every department's and project's page as a search document, in the order of equal matches."""
    found = []
    for department in catalog.departments:
        found.append(_department_document(department, urls))
        found.extend(_project_document(department, project, urls) for project in department.projects)
    return sorted(found, key=lambda document: document.order)


def _postings(docs: list[Document]) -> dict[str, list[list[int]]]:
    """Each key's documents by the best tier it occurs in."""
    postings: dict[str, list[list[int]]] = defaultdict(lambda: [[], [], []])
    for number, document in enumerate(docs):
        seen: set[str] = set()
        for tier in (TITLE, OWN, REST):  # a key is posted under the best tier it occurs in
            keys: set[str] = set()
            for field in document.fields:
                if field.tier == tier:
                    keys |= keys_of(field.text) | keys_of(field.alternative) | pinyin_keys(field.pinyin)
            for key in keys - seen:
                postings[key][tier].append(number)
            seen |= keys
    return postings


def _chunk_count(sizes: int) -> int:
    count = 1
    while sizes / count > CHUNK_TARGET:
        count *= 2
    return count


def index_files(catalog: Catalog, urls: SiteUrls, province: str | None = None) -> Iterator[tuple[str, bytes]]:
    """Every file of the search index: (path under the site, bytes), the same for the same catalog.

    A county built as a province's shard (`province` names the province's site) says so in
    its meta.js, with the province's root one folder up, so that a visitor can widen a search.
    """
    docs = documents(catalog, urls)
    encoded = {
        key: "|".join(encode_ids(ids) for ids in tiers).rstrip("|") for key, tiers in sorted(_postings(docs).items())
    }
    count = _chunk_count(sum(len(key.encode()) + len(value) + 6 for key, value in encoded.items()))
    chunks: dict[int, dict[str, str]] = defaultdict(dict)
    for key, value in encoded.items():
        chunks[key_hash(key) % count][key] = value

    years = sorted({department.year for department in catalog.departments}, reverse=True)
    yield _script(
        "meta",
        {
            "version": VERSION,
            "chunks": count,
            "documents": len(docs),
            "years": [[year, urls.url(urls.year(year))] for year in years],
            **({"province": {"name": province, "root": "../"}} if province else {}),
        },
    )
    for number in range(count):
        yield _script(f"k/{number}", chunks.get(number, {}))
    for number, document in enumerate(docs):
        yield _script(f"d/{number}", document.json())


def province_index_files(
    counties: list[tuple[str, str]], keys_of_county: Iterable[Iterable[str]]
) -> Iterator[tuple[str, bytes]]:
    """The province's own index: its counties, and for each key the counties whose index holds it.

    `counties` are (folder, site name) in search order and `keys_of_county` each one's keys,
    in the same order. A province-wide search reads the key filter first and opens only the
    counties that hold every key of the query, one after another until a page of results:
    never every county's chunks for a word that only a few counties use.
    - `province.js`: the format's version, the number of filter chunks and the counties
      (`[folder, name]`);
    - `p/<n>.js`: `{key: ids}` for the keys whose hash is n modulo the number of chunks,
      the ids those of the counties (`encode_ids`).
    """
    holders: dict[str, list[int]] = defaultdict(list)
    for number, keys in enumerate(keys_of_county):
        for key in keys:
            holders[key].append(number)
    encoded = {key: encode_ids(ids) for key, ids in sorted(holders.items())}
    holders.clear()
    count = _chunk_count(sum(len(key.encode()) + len(value) + 6 for key, value in encoded.items()))
    chunks: dict[int, dict[str, str]] = defaultdict(dict)
    for key, value in encoded.items():
        chunks[key_hash(key) % count][key] = value
    yield _script(
        "province", {"version": VERSION, "chunks": count, "counties": [[folder, name] for folder, name in counties]}
    )
    for number in range(count):
        yield _script(f"p/{number}", chunks.get(number, {}))


def chunk_keys(content: bytes) -> Iterator[str]:
    """The keys of one key chunk of a built index (k/<n>.js)."""
    data = script_data(content)
    assert isinstance(data, dict)
    yield from data


def _script(name: str, data: object) -> tuple[str, bytes]:
    """A file of the index as a script that hands its data to the client: scripts load from file:// too, fetch() does not."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{FOLDER}/{name}.js", f"{LOADER}({json.dumps(name)},{payload});\n".encode()


def script_data(content: bytes) -> object:
    """The data of one index file, as the client receives it (for tests and benchmarks that read the built site)."""
    text = content.decode("utf-8")
    return json.loads(text[text.index(",") + 1 : text.rindex(");")])
