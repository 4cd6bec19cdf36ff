"""The CI check of a normal install: the wheel, installed into a fresh virtual environment, starts and builds a county.

Editable installs (`pip install -e`) read the repository's files, so they never notice a
subpackage, a template or a theme file the wheel leaves out. This builds the wheel from a
copy of the sources, installs it (not editable, no dependencies: they come from this
machine's Python through --system-site-packages, without a network), and runs `new`,
`export`, `import` and `build` in folders outside the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import CONTENT, ROOT

NAME = "某某县预算绩效目标公开"
PROJECT_PAGE = Path("site", "2024", "203001", "13022524P00442P10057D", "index.html")
PROJECT_NAME = "村干部基础职务补贴"


def _run(command: list[str | Path], cwd: Path) -> str:
    """Run a command with no PYTHONPATH (the tests' points at the repository); its output, or the test fails with it."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run(
        [str(part) for part in command],
        check=False,
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_installed_in_a_fresh_venv_starts_imports_and_builds_a_county(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy, so building the wheel writes nothing into the repository
    shutil.copytree(ROOT / "generator", source / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "dist", source], tmp_path)
    (wheel,) = (tmp_path / "dist").glob("budget_targets-*.whl")
    packed = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(source).as_posix() for p in (source / "generator").rglob("*") if p.is_file()}
    assert shipped - packed == set()  # every module, template, theme file, script and stylesheet

    _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", tmp_path / "venv"], tmp_path)
    python = tmp_path / "venv" / "bin" / "python"
    # The system's pip, run by the venv's Python, installs into the venv; --ignore-installed: beside this
    # machine's editable install of the repository.
    _run([python, "-m", "pip", "install", "--no-deps", "--ignore-installed", "--no-index", wheel], tmp_path)
    where = _run(
        [python, "-c", "import generator.publish.plugin as p, site; print(p.__file__, site.getsitepackages()[0])"],
        tmp_path,
    )
    plugin, site_packages = where.split()
    assert Path(plugin).is_relative_to(tmp_path / "venv"), plugin
    assert Path(plugin).is_relative_to(Path(site_packages)), (plugin, site_packages)

    county = tmp_path / "county"
    _run([python, "-m", "generator", "new", county, "--name", NAME], tmp_path)
    form = tmp_path / "收文" / "2024年组织部.docx"
    form.parent.mkdir()
    _run([python, "-m", "generator", "export", CONTENT / "2024" / "203001", "--to", form], tmp_path)
    _run([python, "-m", "generator", "import", form, "--out", "content"], county)
    _run([python, "-m", "generator", "build"], county)
    page = (county / PROJECT_PAGE).read_text(encoding="utf-8")
    assert PROJECT_NAME in page
    assert NAME in page
    assert (county / "site" / "assets" / "javascripts" / "search.js").is_file()
