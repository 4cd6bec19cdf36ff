"""Every page without the indentation and blank lines its templates leave: the same page, fewer bytes.

Material's templates and ours indent for their authors; a project page carried 3.4 KB of
it (benchmarks/README.md). A run of whitespace holding a line break renders as one space
wherever it stands between elements or words, and one line break is kept in its place, so
what the page shows is unchanged. Preformatted text, text areas, scripts and styles are
left as they are, byte for byte.

Lines are split and stripped with str methods: a regular expression tried at every
character took 1.5 ms a page, more than the rest of our work on it.
"""

from __future__ import annotations

import re

#: Where a block whose whitespace is its content starts; it runs to its closing tag.
_KEPT = re.compile(r"<(pre|textarea|script|style)\b", re.IGNORECASE)
_SPACE = " \t\r"


def _lines(text: str) -> str:
    """Each run of whitespace that breaks a line as one line break; whitespace within a line as it was."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    inner = [line.strip(_SPACE) for line in lines[1:-1]]
    return "\n".join([lines[0].rstrip(_SPACE), *(line for line in inner if line), lines[-1].lstrip(_SPACE)])


def compact(page: str) -> str:
    """The page with its line-breaking whitespace compacted, kept blocks aside (an unclosed one kept to the end)."""
    lowered = page.lower()
    out, start = [], 0
    while (found := _KEPT.search(page, start)) is not None:
        close = lowered.find(f"</{found.group(1).lower()}", found.end())
        end = len(page) if close < 0 else (lowered.find(">", close) + 1 or len(page))
        out += [_lines(page[start : found.start()]), page[found.start() : end]]
        start = end
    out.append(_lines(page[start:]))
    return "".join(out).lstrip()  # nothing before <!doctype
