"""Broken content stops `mkdocs build` with a message naming the file, the field and the line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT, copy_project

PROJECT = "content/2024/203001/13022524P00442P10057D.yaml"


def run_mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(project / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_broken_yaml_fails_the_build_naming_the_file_and_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    path = project / PROJECT
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[9] = "  total: [4916.86"  # an unclosed bracket
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_mkdocs_build(project)
    assert result.returncode != 0
    assert f"{PROJECT}:11: YAML 语法错误" in result.stderr
    assert not (project / "site" / "index.html").exists()


def test_invalid_amount_fails_the_build_naming_the_field(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    path = project / PROJECT
    text = path.read_text(encoding="utf-8").replace("  total: 4916.86", "  total: 4916.8.6")
    path.write_text(text, encoding="utf-8")
    result = run_mkdocs_build(project)
    assert result.returncode != 0
    assert f"{PROJECT}:9: budget.total: “4916.8.6”不是金额（应为精确小数，如 4916.86）" in result.stderr


def test_a_killed_builds_leftovers_are_cleaned_up_and_the_published_site_put_back(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    staging, retired, site = project / ".site.building", project / ".site.previous", project / "site"
    downloads = project / ".site.building.downloads"
    # Killed while writing, and killed between moving the old site aside and moving the new one in.
    staging.mkdir()
    (staging / "half-written.html").write_text("…", encoding="utf-8")
    (downloads / "downloads").mkdir(parents=True)
    (downloads / "downloads/half-written.json").write_text("{", encoding="utf-8")
    retired.mkdir()
    (retired / "index.html").write_text("the published site", encoding="utf-8")
    (project / PROJECT).write_text("code: [", encoding="utf-8")  # and this build fails
    result = run_mkdocs_build(project)
    assert result.returncode == 1
    assert not staging.exists() and not retired.exists() and not downloads.exists()
    assert (site / "index.html").read_text(encoding="utf-8") == "the published site"
    ignored = subprocess.run(
        ["git", "check-ignore", ".site.building/", ".site.previous/", ".site.building.downloads/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ignored.stdout.split() == [".site.building/", ".site.previous/", ".site.building.downloads/"]
