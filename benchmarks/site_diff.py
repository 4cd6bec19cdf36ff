"""What a change did to a built site: a diff of two site folders with what always differs set aside.

    python -m benchmarks.site_diff OLD_SITE NEW_SITE

Dates (a build outside git dates the content by its files' times), the byte counts that
follow them, blank lines and where the stylesheet link sits are normalised; Word and Excel
files are compared by the XML inside them, so a zip header is not a change. The search
index (search/) is left out: its chunks are hashed files, compared by the search tests.
Prints each file that still differs, with its first changed lines.
"""

from __future__ import annotations

import difflib
import io
import re
import sys
import zipfile
from pathlib import Path

NORMALISED = [
    (re.compile(r"\d{4}-\d{2}-\d{2}(T[\d:]+Z?)?"), "DATE"),
    (re.compile(r"\d{4}年\d{1,2}月\d{1,2}日"), "DATE"),
    (re.compile(r'title="[\d,]+ 字节">[\d.,]+ [KM]?B'), "SIZE"),
    (re.compile(r'"bytes": ?\d+'), "SIZE"),
]
SHOWN = 6  # changed lines shown per file


def normalised(text: str) -> str:
    for pattern, replacement in NORMALISED:
        text = pattern.sub(replacement, text)
    return text


def lines_of(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return [
                f"{name}: {element}"
                for name in sorted(package.namelist())
                for element in re.split(r"(?<=>)(?=<)", normalised(package.read(name).decode("utf-8", "replace")))
            ]
    if path.suffix == ".gz":
        return []  # sitemap.xml.gz: sitemap.xml is compared
    text = normalised(data.decode("utf-8", "replace"))
    return [line.strip() for line in text.splitlines() if line.strip() and "budget.css" not in line]


def site_diff(old: Path, new: Path) -> list[str]:
    files = {p.relative_to(old) for p in old.rglob("*") if p.is_file()}
    files |= {p.relative_to(new) for p in new.rglob("*") if p.is_file()}
    report = []
    for name in sorted(files):
        if name.parts[0] == "search":
            continue
        if not (old / name).exists() or not (new / name).exists():
            report.append(f"only in {'new' if (new / name).exists() else 'old'}: {name}")
            continue
        changed = [
            line
            for line in difflib.unified_diff(lines_of(old / name), lines_of(new / name), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        if changed:
            report.append(f"{name}: {len(changed)} lines")
            report += [f"    {line[:200]}" for line in changed[:SHOWN]]
    return report


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print("\n".join(site_diff(Path(sys.argv[1]), Path(sys.argv[2]))) or "no difference")
