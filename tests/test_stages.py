"""The package is laid out by the stages of the data flow, and no stage reaches back.

schema (the model and its checks) depends on nothing of ours; reading a county's files
(source) and writing file formats (formats) build on the schema; the site's pages build on
both; publishing (the MkDocs glue) on everything. A module that needs something from a
stage it may not import is a sign that the thing belongs in a lower stage.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
MAY_IMPORT = {
    "schema": set(),
    "source": {"schema"},
    "formats": {"schema"},
    "site": {"schema", "formats"},
    "publish": {"schema", "source", "formats", "site"},
}


def imported_stages(path: Path) -> dict[str, int]:
    """The stages a module imports from, each with the line of its first import."""
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "generator" and len(parts) > 1 and parts[1] in MAY_IMPORT:
                found.setdefault(parts[1], node.lineno)
    return found


def test_every_module_is_in_a_stage() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__main__.py", "__init__.py")]
    assert not loose, f"modules outside a stage package: {loose}"
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} == set(MAY_IMPORT)


def test_no_module_imports_from_a_stage_it_builds_for() -> None:
    wrong = []
    for stage, allowed in MAY_IMPORT.items():
        for path in sorted((PACKAGE / stage).rglob("*.py")):
            for other, line in imported_stages(path).items():
                if other != stage and other not in allowed:
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: imports generator.{other}")
    assert not wrong, "\n".join(wrong)
