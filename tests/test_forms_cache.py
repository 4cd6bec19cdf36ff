"""Each department's Word and Excel forms are kept between builds and used again only when nothing they are made of changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from conftest import CONTENT, build_site, copy_project

from generator.formats import forms_cache
from generator.formats.forms import department_docx, department_xlsx
from generator.formats.forms_cache import FormCache, department_key
from generator.schema.model import Funds, FundsLine, ProjectResult
from generator.schema.validate import load_catalog

DEPARTMENT = load_catalog(CONTENT).departments[0]
DATED = datetime(2024, 2, 1)
BLANK_FUNDS = Funds(total=FundsLine(), fiscal=FundsLine(), carried_over=FundsLine(), other=FundsLine())
FORMS = ("downloads/2024/203001/203001-form.docx", "downloads/2024/203001/203001-form.xlsx")


def forms_of(site: Path) -> list[bytes]:
    return [(site / path).read_bytes() for path in FORMS]


def entries(project: Path) -> list[Path]:
    return sorted((project / ".site.cache/forms").rglob("*.*x"))


def test_a_rebuild_uses_the_kept_forms_and_they_are_the_bytes_a_cold_build_writes(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    first = forms_of(build_site(project))
    assert [path.suffix for path in entries(project)] == [".docx", ".xlsx"]
    kept = {path: path.stat().st_mtime_ns for path in entries(project)}
    second = forms_of(build_site(project, tmp_path / "again"))
    assert second == first
    assert {path: path.stat().st_mtime_ns for path in entries(project)} == kept  # read, not written again
    cold = copy_project(tmp_path / "cold")
    assert forms_of(build_site(cold)) == first


def test_a_corrupted_entry_is_never_used_and_is_made_again(tmp_path: Path) -> None:
    cache = FormCache(tmp_path / "forms")
    made = cache.forms(DEPARTMENT, DATED)
    assert made == (department_docx(DEPARTMENT, created=DATED), department_xlsx(DEPARTMENT, created=DATED))
    docx = next((tmp_path / "forms").rglob("*.docx"))
    damaged = bytearray(docx.read_bytes())
    damaged[-10] ^= 0xFF
    docx.write_bytes(bytes(damaged))
    assert FormCache(tmp_path / "forms").forms(DEPARTMENT, DATED) == made
    assert docx.read_bytes() != bytes(damaged)  # the entry was made again, not used
    docx.write_bytes(b"")  # a build killed while writing it
    assert FormCache(tmp_path / "forms").forms(DEPARTMENT, DATED) == made


def test_the_key_changes_with_the_content_the_date_and_the_code_but_not_the_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = department_key(DEPARTMENT, DATED)
    first = DEPARTMENT.projects[0]
    assert department_key(replace(DEPARTMENT, name=DEPARTMENT.name + "（本级）"), DATED) != key
    assert (
        department_key(replace(DEPARTMENT, projects=(replace(first, purpose="改"), *DEPARTMENT.projects[1:])), DATED)
        != key
    )
    assert department_key(DEPARTMENT, datetime(2024, 2, 2)) != key
    assert department_key(replace(DEPARTMENT, source=Path("elsewhere/department.yaml")), DATED) == key
    # A 自评表 is not on the targets' form: publishing one does not make the forms again.
    evaluated = replace(
        first, result=ProjectResult(code=first.code, name=first.name, published=None, funds=BLANK_FUNDS, indicators=())
    )
    assert department_key(replace(DEPARTMENT, projects=(evaluated, *DEPARTMENT.projects[1:])), DATED) == key
    monkeypatch.setattr(forms_cache, "code_fingerprint", lambda: "another version of forms.py")
    assert department_key(DEPARTMENT, DATED) != key


def test_without_a_folder_every_form_is_written() -> None:
    cache = FormCache(None)
    assert cache.forms(DEPARTMENT, DATED) == cache.forms(DEPARTMENT, DATED)
    assert cache.missing([DEPARTMENT], DATED) == [DEPARTMENT]
