"""An independent reading of the seed: the cells of each project table, as the export has them.

Deliberately simpler than the importer (no labels, no structure), so that the
tests compare the site with the document and not the importer with itself.
"""

from __future__ import annotations

import re
from pathlib import Path

TITLE = re.compile(r"^(?:\[bookmark: [^\]]*\])?(\d+)\.(.+)绩效目标表$")
BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")

#: Cells that are part of the printed form, not data; the site words them its own way.
FORM_LABELS = {"单位：万元", "项目名称", "预算规模及资金用途", "资金支出计划（%）", "其中：财政资金"}


def project_blocks(seed: Path) -> list[tuple[str, list[str]]]:
    """(title, every non-blank cell line) for each project table, in document order."""
    blocks: list[tuple[str, list[str]]] = []
    for line in seed.read_text(encoding="utf-8").splitlines():
        match = TITLE.match(line.strip())
        if match:
            blocks.append((match.group(2), []))
        elif blocks and line.strip():
            cell = BOOKMARK.sub("", line.lstrip("\t"))
            if cell.strip():
                blocks[-1][1].append(cell)
    return blocks


def goal_paragraphs(seed: Path) -> list[str]:
    """Every paragraph of part one (the department's goals), headings included."""
    text = seed.read_text(encoding="utf-8")
    part_one = text.split("第二部分")[0]
    lines = [BOOKMARK.sub("", line).strip() for line in part_one.splitlines()]
    return [line for line in lines if line and line not in {"第一部分", "部门整体绩效目标"}]


def squash(text: str) -> str:
    """Compare text without whitespace or thousands separators: 4,916.86 == 4916.86."""
    return re.sub(r"[\s,]", "", text)
