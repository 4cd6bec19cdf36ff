"""The scale benchmark runs end to end at a tiny size, so that it never rots.

No timing is asserted: only that the synthetic content is valid content of the
seed's shape, and that the benchmark builds both sites and reports on them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CONTENT

from benchmarks import scale, synthetic, xlsx_writer
from generator.schema.load import DEPARTMENT_FILE, read_yaml
from generator.schema.validate import load_catalog
from generator.site.history import History

TINY = synthetic.Size(projects=12, departments=3)
SEED = CONTENT / "2024/203001"
SEED_PROJECT = SEED / "13022524P00442P10057D.yaml"
#: A key of a content file and the label in its comment: `  total: 4916.86  # 预算数`.
LABELLED = re.compile(r"^(\s*[a-z_]+):.*  # (.+)$")


def _labels(path: Path) -> list[tuple[str, str]]:
    """The labelled keys of a content file, in order, with their indentation."""
    return [match.groups() for line in path.read_text(encoding="utf-8").splitlines() if (match := LABELLED.match(line))]


@pytest.fixture(scope="module")
def tiny_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    synthetic.write(TINY, out)
    return out


def test_synthetic_content_passes_validation_with_the_requested_size(tiny_content: Path) -> None:
    catalog = load_catalog(tiny_content)
    assert len(catalog.departments) == 3
    assert len(catalog.projects) == 12
    assert len({project.code for _, project in catalog.projects}) == 12
    assert len({department.name for department in catalog.departments}) == 3
    for _, project in catalog.projects:
        assert len(project.indicators) == 6
        assert project.budget.total.as_tuple().exponent == -2
        if project.budget.fiscal is not None and project.budget.other is not None:
            assert project.budget.fiscal + project.budget.other == project.budget.total
        points = [p.percent for p in project.plan.points() if p.percent is not None]
        assert points == sorted(points) and points[-1] == Decimal(100)
    # What was written is what was generated: the files load back to equal model objects.
    assert list(catalog.departments) == synthetic.departments(TINY)


def test_synthetic_results_are_valid_consistent_and_mostly_met(tmp_path: Path) -> None:
    from generator.site.quality import Review
    from generator.site.results import Status, outcome

    synthetic.write(synthetic.Size.for_projects(100), tmp_path, results=True)
    catalog = load_catalog(tmp_path)
    assert all(project.result is not None for _, project in catalog.projects)
    statuses = Counter(row.status for d, p in catalog.projects for row in outcome(p, d.year).rows)
    assert 0.8 < statuses[Status.MET] / statuses.total() < 0.97 and statuses[Status.MISSED] > 0
    # Their scores add up and their grades fit: the benchmark's site shows no finding a real county would not.
    assert [f for f in Review(catalog).findings if f.rule.id.startswith("result-") and "missed" not in f.rule.id] == []


def test_a_later_synthetic_year_continues_most_of_the_year_before(tmp_path: Path) -> None:
    size = synthetic.Size.for_projects(200, years=2)
    synthetic.write(size, tmp_path)
    catalog = load_catalog(tmp_path)
    assert catalog.years == (2025, 2024)
    changes = list(History(catalog).project_changes())
    counts = Counter(change.status for change in changes)
    assert counts["延续"] + counts["终止"] == 200 and counts["新增"] == counts["终止"]
    assert 0.05 < counts["终止"] / 200 < 0.2
    moved = [c for c in changes if c.status == "延续" and c.budget.amount]
    assert 0.5 < len(moved) / counts["延续"] < 0.9 and all(abs(c.budget.percent) <= 20 for c in moved)
    assert synthetic.departments(synthetic.Size.for_projects(200))[:3] == list(catalog.departments_of(2024)[:3])


def test_synthetic_project_file_has_the_seed_format(tiny_content: Path) -> None:
    seed = read_yaml(SEED_PROJECT)
    synthetic_file = next(p for p in sorted(tiny_content.rglob("*.yaml")) if p.name != DEPARTMENT_FILE)
    raw = read_yaml(synthetic_file)
    assert not raw.problems
    # The seed's keys in the seed's order, at the top, in its nested mappings and in an indicator row.
    assert list(raw.data) == list(seed.data)
    for key in ("budget", "plan"):
        assert list(raw.data[key]) == list(seed.data[key])
    assert list(raw.data["indicators"][0]) == list(seed.data["indicators"][0])
    # Each key labelled in a comment as in the seed, and the same header.
    assert _labels(synthetic_file) == _labels(SEED_PROJECT)
    assert synthetic_file.read_text(encoding="utf-8").startswith("# 项目支出绩效目标表：")
    department_file = synthetic_file.parent / DEPARTMENT_FILE
    assert list(read_yaml(department_file).data) == list(read_yaml(SEED / DEPARTMENT_FILE).data)
    # The file loads back as the very project that was generated, field by field.
    parsed = next(p for _, p in load_catalog(tiny_content).projects if p.source == synthetic_file)
    generated = next(p for d in synthetic.departments(TINY) for p in d.projects if p.code == parsed.code)
    assert parsed == generated
    assert parsed.indicators[0].id == "quantity-1" and parsed.budget.total > 0


def test_synthetic_content_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    first, second = synthetic.departments(TINY, seed=7), synthetic.departments(TINY, seed=7)
    assert first == second  # departments, their goals and projects, every field
    assert [p for d in first for p in d.projects] == [p for d in second for p in d.projects]
    assert first != synthetic.departments(TINY, seed=8)
    # Written twice, the same bytes.
    for folder in (tmp_path / "a", tmp_path / "b"):
        synthetic.write(TINY, folder, seed=7)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yaml"))
    assert len(files) == 3 + 12
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    names = {p.name for d in synthetic.departments(synthetic.Size(60, 6), seed=7) for p in d.projects}
    assert len(names) > 30  # varied names, not one repeated string


def test_benchmark_builds_both_sites_and_reports_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    result_file = tmp_path / "result.json"
    scale.main(
        [
            "--projects",
            "12",
            "--per-department",
            "4",
            "--rounds",
            "1",
            "--out",
            str(tmp_path),
            "--json",
            str(result_file),
        ]
    )
    output = capsys.readouterr().out
    for label, _ in scale.ROWS:
        assert f"| {label} |" in output
    [result] = json.loads(result_file.read_text(encoding="utf-8"))
    assert result["projects"] == 12 and result["departments"] == 3
    # Home, 3 departments, 12 projects and the hand-written pages, in both sites alike.
    assert result["ours"]["pages"] == result["plain"]["pages"] >= 16
    assert result["ours"]["search_index_kb"] > 0 and result["plain"]["search_index_kb"] > 0
    # The same site without the 自评表: as many pages (the results add sections, not pages), built too.
    assert result["targets"]["pages"] == result["ours"]["pages"] and result["targets_seconds"] > 0
    assert 0 < result["own_code_share"] < 1
    # The hooks named in the breakdown are our plugin's: they ran, and are part of all our code's time.
    assert 0 < result["pipeline_share"] and 0 < result["post_build_share"]
    assert result["pipeline_share"] + result["post_build_share"] <= result["own_code_share"] + 1e-9
    # Everything runs in the build's own process (its only child is `git log`); CPU time is counted.
    assert result["ours_children_peak_mib"] >= 0
    assert result["ours_cpu_seconds"] > 0 and result["plain_cpu_seconds"] > 0
    ours = tmp_path / "p12" / "ours" / "site"
    plain = tmp_path / "p12" / "plain" / "site"
    project_pages = sorted(p.relative_to(ours) for p in ours.glob("2024/*/*/index.html"))
    assert len(project_pages) == 12 + 3  # and each department's quality page
    assert project_pages == sorted(p.relative_to(plain) for p in plain.glob("2024/*/*/index.html"))


def test_xlsx_writer_benchmark_runs_and_both_writers_write_the_same_values(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """benchmarks/xlsx_writer.py at a tiny size, so that it never rots; no timing asserted.

    It stops if a writer's bytes change from one round to the next or if a workbook holds
    other values than the hand-written one's.
    """
    assert xlsx_writer.main(["--projects", "30", "--rounds", "2", "--out", str(tmp_path)]) == 0
    report = capsys.readouterr().out
    assert "30 projects in 3 departments: 4 XLSX files" in report
    for name in xlsx_writer.WRITERS:
        assert f"| {name} |" in report
