"""The tests carry their own seed: a county that replaces content/ and sources/ (README) still sees them pass."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import CONTENT, FIXTURES, ROOT, SEED

#: A path from the repository's root (ROOT, or this file's folder's parent) into its content/ or sources/.
COUNTY_FOLDER = re.compile(r"""(\bROOT|__file__\).*\.parent)\s*/\s*["'](content|sources)\b""")


def test_no_test_or_benchmark_reads_the_repositorys_own_content_or_sources() -> None:
    sources = [*(ROOT / "tests").glob("*.py"), *(ROOT / "benchmarks").glob("*.py")]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if COUNTY_FOLDER.search(line) and path.name != Path(__file__).name
    ]
    assert found == []


def test_the_seed_fixtures_are_inside_tests() -> None:
    assert FIXTURES == ROOT / "tests" / "fixtures"
    assert SEED.is_relative_to(FIXTURES) and SEED.is_file()
    assert CONTENT.is_relative_to(FIXTURES) and (CONTENT / "2024/203001/department.yaml").is_file()
