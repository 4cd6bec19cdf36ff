"""What the department pages' Word and Excel forms cost a build: `python -m benchmarks.forms --projects 1000`.

Makes the synthetic county (synthetic.py) and, in one run, times the site's parts with
and without the forms: every department's .docx (python-docx) and .xlsx (generator/formats/xlsx.py),
against the rest of `make_site` (pages and the other downloads). Prints the seconds,
the bytes and the share of `make_site` the forms take, the median of several rounds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime

from benchmarks import synthetic
from generator.formats.forms import department_docx, department_xlsx
from generator.schema.model import Catalog
from generator.site.parts import make_site
from generator.site.urls import SiteUrls

DATED = datetime(2024, 1, 1)


def _cpu(work) -> tuple[float, object]:
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    departments = synthetic.departments(synthetic.Size.for_projects(args.projects))
    catalog = Catalog(tuple(departments))
    docx_s, xlsx_s, site_s = [], [], []
    for _ in range(args.rounds):
        seconds, docx_files = _cpu(lambda: [department_docx(d, created=DATED) for d in departments])
        docx_s.append(seconds)
        seconds, xlsx_files = _cpu(lambda: [department_xlsx(d, created=DATED) for d in departments])
        xlsx_s.append(seconds)
        seconds, _ = _cpu(lambda: make_site(catalog, "站点", SiteUrls(), DATED))
        site_s.append(seconds)
    docx, xlsx, site = (statistics.median(values) for values in (docx_s, xlsx_s, site_s))
    size = sum(len(f) for f in docx_files) + sum(len(f) for f in xlsx_files)
    print(f"{args.projects} projects in {len(departments)} departments, median of {args.rounds} rounds (CPU s):")
    print("| part | CPU s | per department | share of make_site |")
    print("|---|---:|---:|---:|")
    for name, value in (("Word forms (.docx)", docx), ("Excel forms (.xlsx)", xlsx)):
        print(f"| {name} | {value:.2f} | {value / len(departments) * 1000:.0f} ms | {value / site:.0%} |")
    print(f"| make_site, forms included | {site:.2f} | | 100% |")
    print(f"forms: {size / 1e6:.1f} MB in {2 * len(departments)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
