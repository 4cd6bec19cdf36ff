"""Issue 13: the hand-written XLSX writer of generator/formats/xlsx.py against XlsxWriter.

    python -m benchmarks.xlsx_writer --projects 1000 --rounds 5

Writes the synthetic content (benchmarks/synthetic.py) and loads it as the build does,
then makes every XLSX file the site publishes (one per department and one for the
whole site, as `downloads._table_files` does) with each writer, in one process,
alternating the order from round to round. Every writer gets the same rows: each
project's values are computed once, as the build computes them once for its CSV and
XLSX files, and that shared work is timed on its own. Prints, as Markdown: median CPU
seconds over the rounds, bytes, peak traced memory (one extra run under tracemalloc),
the ratios to the hand-written writer, and the lines of code each writer takes.

The XlsxWriter writer here is the one that would replace the hand-written one: same
sheets, columns, widths, frozen header row, bold header, amount format, wrapped
multi-line text; text written with `write_string` (never a formula or a link) and a
fixed creation date, so the same content gives the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import inspect
import io
import shutil
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import xlsxwriter

from benchmarks import synthetic
from benchmarks.scale import commit, machine
from generator.formats import xlsx
from generator.formats.tables import WIDE_COLUMNS, Row, Table
from generator.formats.xlsx import xlsx_file, xlsx_rows
from generator.schema.model import Department, Project
from generator.schema.validate import load_catalog
from generator.site import downloads
from generator.site.downloads import TABLES, Record
from generator.site.history import History
from generator.site.quality import Review, review_project
from generator.site.urls import SiteUrls

DATED = dt.datetime(2024, 1, 1)  # the date the Word and Excel downloads record

# --- The XlsxWriter candidate --------------------------------------------------------------------

CREATED = dt.datetime(1980, 1, 1)  # the workbook's creation date: the ZIP dates', never the clock
AMOUNT_FORMAT = "#,##0.00####"


def xlsxwriter_file(sheets: Sequence[tuple[Table, Iterable[Sequence[Row]]]], options: dict[str, object]) -> bytes:
    """A workbook with one sheet per table, header row frozen, from each project's rows."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {**options, "default_format_properties": {"font_name": "等线"}})
    workbook.set_properties({"created": CREATED})
    header = workbook.add_format({"bold": True})
    amount = workbook.add_format({"num_format": AMOUNT_FORMAT})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for table, chunks in sheets:
        sheet = workbook.add_worksheet(table.title)
        sheet.freeze_panes(1, 0)
        for index, column in enumerate(table.columns):
            sheet.set_column(index, index, 36 if column.name in WIDE_COLUMNS else 14)
            sheet.write_string(0, index, column.title, header)
        number_formats = [amount if column.money else None for column in table.columns]
        number = 1
        for chunk in chunks:
            for row in chunk:
                for index, value in enumerate(row):
                    if isinstance(value, dt.date):
                        sheet.write_datetime(number, index, dt.datetime.combine(value, dt.time()), day)  # a date cell
                    elif isinstance(value, str):
                        sheet.write_string(number, index, value, wrap if "\n" in value else None)
                    elif value is not None:
                        sheet.write_number(number, index, value, number_formats[index])
                number += 1
    workbook.close()
    return buffer.getvalue()


# --- The work: every XLSX file of the site -------------------------------------------------------

ProjectRows = dict[str, list[Row]]  # a project's rows of each table, by table name


@dataclass
class Workload:
    urls: SiteUrls
    departments: list[tuple[Department, list[ProjectRows]]]


def project_rows(department: Department, project: Project, urls: SiteUrls) -> ProjectRows:
    record = Record(department, project, urls, findings=review_project(department, project))
    return {table.name: table.rows(record) for table in TABLES}


def make_workload(catalog_departments: Sequence[Department], urls: SiteUrls) -> Workload:
    return Workload(urls, [(d, [project_rows(d, p, urls) for p in d.projects]) for d in catalog_departments])


def _sheets(chunks: Sequence[dict[str, Sequence]]) -> list[tuple[Table, list[Sequence]]]:
    return [(table, [chunk[table.name] for chunk in chunks]) for table in TABLES]


def hand_written(work: Workload) -> list[bytes]:
    """As the build does: each project's row XML made once, joined into its department's file and the site's."""
    files, site = [], []
    for _, projects in work.departments:
        chunks = [{table.name: xlsx_rows(table, rows[table.name]) for table in TABLES} for rows in projects]
        site.extend(chunks)
        files.append(xlsx_file(_sheets(chunks)))
    files.append(xlsx_file(_sheets(site)))
    return files


def with_xlsxwriter(options: dict[str, object], remake_rows: bool = False) -> Callable[[Workload], list[bytes]]:
    """Every file written cell by cell; `remake_rows` computes each file's rows again instead of sharing them."""

    def run(work: Workload) -> list[bytes]:
        files, site = [], []
        for department, projects in work.departments:
            if remake_rows:
                projects = [project_rows(department, project, work.urls) for project in department.projects]
            files.append(xlsxwriter_file(_sheets(projects), options))
            site.extend(projects)
        if remake_rows:
            site = [project_rows(d, p, work.urls) for d, _ in work.departments for p in d.projects]
        files.append(xlsxwriter_file(_sheets(site), options))
        return files

    return run


WRITERS: dict[str, Callable[[Workload], list[bytes]]] = {
    "hand-written (row XML made once per project)": hand_written,
    "XlsxWriter in_memory, rows shared": with_xlsxwriter({"in_memory": True}),
    "XlsxWriter in_memory, rows remade per file": with_xlsxwriter({"in_memory": True}, remake_rows=True),
    "XlsxWriter default (temp files), rows shared": with_xlsxwriter({}),
    "XlsxWriter constant_memory (temp files, inline strings), rows shared": with_xlsxwriter({"constant_memory": True}),
}
BASELINE = next(iter(WRITERS))


@dataclass
class Measured:
    cpu: list[float]
    wall: list[float]
    size: int = 0
    files: int = 0
    digest: str = ""
    peak_mib: float = 0.0


def digest(files: Sequence[bytes]) -> str:
    return hashlib.sha256(b"".join(hashlib.sha256(f).digest() for f in files)).hexdigest()


def timed(run: Callable[[], object]) -> tuple[object, float, float]:
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    result = run()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def peak_mib(run: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def same_values(first: bytes, second: bytes) -> bool:
    """Both workbooks hold the same sheets and cell values, read back with openpyxl."""
    books = [openpyxl.load_workbook(io.BytesIO(data), read_only=True) for data in (first, second)]
    if books[0].sheetnames != books[1].sheetnames:
        return False
    return all(_values(a) == _values(b) for a, b in zip(books[0].worksheets, books[1].worksheets))


def _values(sheet: object) -> list[tuple[object, ...]]:
    """Rows without trailing empty cells: a read-only sheet pads rows to its <dimension>, if it has one."""
    rows = []
    for row in sheet.iter_rows(values_only=True):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        rows.append(tuple(row))
    return rows


# --- Lines of code -------------------------------------------------------------------------------


def code_lines(text: str) -> int:
    """Lines that are neither blank nor only a comment."""
    return sum(1 for line in text.splitlines() if line.strip() and not line.strip().startswith("#"))


def hand_written_lines() -> int:
    """generator/formats/xlsx.py after its imports and paths (now with the Excel form's needs too)."""
    source = inspect.getsource(xlsx)
    return code_lines(source[source.index("FONT = ") :])


def xlsxwriter_lines() -> int:
    source = inspect.getsource(sys.modules[__name__])
    start = source.index("CREATED = ")
    return code_lines(source[start : source.index("# --- The work")])


# --- Report --------------------------------------------------------------------------------------


def measure(work: Workload, rounds: int) -> dict[str, Measured]:
    results = {name: Measured([], []) for name in WRITERS}
    names = list(WRITERS)
    for index in range(rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            files, cpu, wall = timed(lambda name=name: WRITERS[name](work))
            measured = results[name]
            measured.cpu.append(cpu)
            measured.wall.append(wall)
            files_digest = digest(files)
            if measured.digest and measured.digest != files_digest:
                raise SystemExit(f"{name}: round {index + 1} wrote different bytes from round 1")
            measured.digest, measured.size, measured.files = files_digest, sum(map(len, files)), len(files)
            print(f"  round {index + 1}: {name}: {cpu:.2f} s CPU", file=sys.stderr, flush=True)
    for name in names:
        results[name].peak_mib = peak_mib(lambda name=name: WRITERS[name](work))
    return results


def report(projects: int, work: Workload, results: dict[str, Measured], rows_cpu: float, downloads_cpu: float) -> str:
    base = results[BASELINE]
    base_cpu = statistics.median(base.cpu)
    lines = [
        (
            f"{projects:,} projects in {len(work.departments):,} departments: {base.files} XLSX files "
            f"(one per department, one for the site); median of {len(base.cpu)} rounds, in one process."
        ),
        "",
        "| writer | CPU s | wall s | MB | peak traced MiB | CPU ratio | bytes ratio | memory ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, m in results.items():
        cpu = statistics.median(m.cpu)
        lines.append(
            f"| {name} | {cpu:.2f} | {statistics.median(m.wall):.2f} | {m.size / 1e6:.2f} | {m.peak_mib:.0f} "
            f"| {cpu / base_cpu:.2f}x | {m.size / base.size:.2f}x | {m.peak_mib / base.peak_mib:.2f}x |"
        )
    lines += [
        "",
        f"Shared by every writer, not counted above: each project's row values, computed once, {rows_cpu:.2f} s CPU.",
        f"The whole downloads stage today (`build_downloads`: JSON, CSV, XLSX): {downloads_cpu:.2f} s CPU.",
        (
            f"Lines of code (neither blank nor comment): hand-written {hand_written_lines()}, "
            f"XlsxWriter {xlsxwriter_lines()} (plus the dependency)."
        ),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=1000, help="projects in the synthetic catalog")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each writer, alternating; the median is kept")
    parser.add_argument("--out", type=Path, default=Path("/tmp/budget-bench-xlsx"), help="work folder for content")
    args = parser.parse_args(argv)

    size = synthetic.Size.for_projects(args.projects)
    shutil.rmtree(args.out, ignore_errors=True)
    synthetic.write(size, args.out / "content")
    catalog = load_catalog(args.out / "content")
    urls = SiteUrls()
    work, rows_cpu, _ = timed(lambda: make_workload(catalog.departments, urls))
    _, downloads_cpu, _ = timed(
        lambda: downloads.build_downloads(History(catalog), Review(catalog), "站点", urls, DATED)
    )

    results = measure(work, args.rounds)
    site = {name: WRITERS[name](work)[-1] for name in WRITERS}
    for name, data in site.items():
        if not same_values(site[BASELINE], data):
            raise SystemExit(f"{name}: the site's workbook holds other values than the hand-written one")

    print(f"commit {commit()}; {machine()}; XlsxWriter {xlsxwriter.__version__}\n")
    print(report(args.projects, work, results, rows_cpu, downloads_cpu))
    return 0


if __name__ == "__main__":
    sys.exit(main())
