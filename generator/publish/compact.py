"""Every page without the indentation and blank lines its templates leave: the same page, fewer bytes.

Material's templates and ours indent for their authors; a project page carried 3.4 KB of
it (benchmarks/README.md). A run of whitespace holding a line break renders as one space
wherever it stands between elements or words, and one line break is kept in its place, so
what the page shows is unchanged. Preformatted text, text areas, scripts and styles are
left as they are, byte for byte.
"""

from __future__ import annotations

import re

#: A block whose whitespace is its content, kept whole; or a run of whitespace that breaks a line.
_BLOCK_OR_BREAK = re.compile(
    r"(<(pre|textarea|script|style)\b.*?</\2\s*>)|[ \t]*(?:\r?\n[ \t]*)+", re.DOTALL | re.IGNORECASE
)


def compact(page: str) -> str:
    """The page with each run of whitespace that breaks a line as one line break, kept blocks aside."""
    return _BLOCK_OR_BREAK.sub(lambda match: match.group(1) or "\n", page)
