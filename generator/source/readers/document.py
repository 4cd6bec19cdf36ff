"""What a document is, from its blocks: a department's 绩效目标 or its projects' 自评表.

Departments hand in both kinds in the same formats, often in one folder, so every reader
hands its blocks here and the document's own title and headers decide how it is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.source.readers.blocks import Block
from generator.source.readers.form import Reading, read_department
from generator.source.readers.result_form import ResultsReading, is_results, read_results


def read_blocks(blocks: Sequence[Block], source: Path, year: int | None = None) -> Reading | ResultsReading:
    """The department (绩效目标表) or the results (自评表) of one document's blocks."""
    if is_results(blocks):
        return read_results(blocks, source, year)
    return read_department(blocks, source, year)
