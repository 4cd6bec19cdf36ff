"""Fields only some counties' forms print (主管部门 on a department, 资金来源 on a project) reach every edge.

Declared once in the model, they are read from Word and Excel, validated, shown on the pages,
written to the CSV, JSON and XLSX downloads, exported back to the Word and Excel forms (which
read back the same) and searched, with nothing else changed for them.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import CONTENT, build_site, copy_project, page_text

from generator.formats.forms import department_docx, department_xlsx
from generator.schema.model import Catalog, Department
from generator.schema.validate import load_catalog
from generator.site.search_index import documents
from generator.site.urls import SiteUrls
from generator.source.readers import ReadError, read_document

COMPETENT = "中共乐亭县委员会"
FUNDING = "县本级财政资金"
FIRST = "13022524P00442P10057D"  # 1.村干部基础职务补贴
CREATED = datetime(2024, 1, 1)
SEED = replace(load_catalog(CONTENT).departments[0], published=None)  # as the form has it


def content_with_optional_fields(content: Path) -> Path:
    """The tests' seed content with 主管部门 typed in the department's file and every optional field in one project's."""
    shutil.copytree(CONTENT, content)
    folder = content / "2024" / "203001"
    department = folder / "department.yaml"
    department.write_text(
        department.read_text(encoding="utf-8").replace(
            "money_unit: 万元  # 金额单位\n", f"money_unit: 万元  # 金额单位\ncompetent_department: {COMPETENT}\n"
        ),
        encoding="utf-8",
    )
    project = folder / f"{FIRST}.yaml"
    project.write_text(
        project.read_text(encoding="utf-8").replace(
            "number: 1  # 序号\n",
            f"number: 1  # 序号\nimplementing_unit: 乐亭县委组织部\nattribute: 延续\nfunding_source: {FUNDING}\n",
        ),
        encoding="utf-8",
    )
    return content


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = content_with_optional_fields(tmp_path_factory.mktemp("optional") / "content")
    return build_site(copy_project(tmp_path_factory.mktemp("optional-project"), content))


@pytest.fixture(scope="module")
def department(tmp_path_factory: pytest.TempPathFactory) -> Department:
    content = content_with_optional_fields(tmp_path_factory.mktemp("optional-content") / "content")
    return replace(load_catalog(content).departments[0], published=None)


def test_the_project_page_lists_every_optional_field_in_the_forms_order(site: Path) -> None:
    text = " ".join(page_text(site / "2024" / "203001" / FIRST / "index.html").split())
    assert f"主管部门 {COMPETENT} 实施单位 乐亭县委组织部 项目属性 延续 资金来源 {FUNDING} 年度 2024" in text


def test_the_department_page_shows_its_competent_department(site: Path) -> None:
    text = " ".join(page_text(site / "2024" / "203001" / "index.html").split())
    assert f"单位编码 203001 主管部门 {COMPETENT} 年度 2024" in text


def test_the_csv_json_and_xlsx_downloads_hold_both_fields(site: Path) -> None:
    downloads = site / "downloads"
    rows = list(csv.DictReader(io.StringIO((downloads / "all-projects.csv").read_text(encoding="utf-8-sig"))))
    first = next(row for row in rows if row["project_code"] == FIRST)
    assert (first["competent_department"], first["funding_source"]) == (COMPETENT, FUNDING)
    assert {row["funding_source"] for row in rows if row is not first} == {""}

    document = json.loads((downloads / "2024" / "203001" / "203001.json").read_text(encoding="utf-8"))
    assert document["competent_department"] == COMPETENT
    assert next(p for p in document["projects"] if p["code"] == FIRST)["funding_source"] == FUNDING
    project = json.loads((downloads / "2024" / "203001" / f"{FIRST}.json").read_text(encoding="utf-8"))
    assert project["funding_source"] == FUNDING

    sheet = openpyxl.load_workbook(downloads / "all.xlsx", read_only=True)["项目"]
    header, *values = [list(row) for row in sheet.iter_rows(values_only=True)]
    first_row = next(row for row in values if FIRST in row)
    assert first_row[header.index("主管部门")] == COMPETENT
    assert first_row[header.index("资金来源")] == FUNDING


def test_search_documents_hold_both_fields(department: Department) -> None:
    found = {
        (document.title, field.label, field.text)
        for document in documents(Catalog((department,)), SiteUrls())
        for field in document.fields
    }
    assert (SEED.name, "主管部门", COMPETENT) in found
    assert ("村干部基础职务补贴", "资金来源", FUNDING) in found


def test_the_exported_forms_print_them_two_to_a_row_and_read_back_the_same(
    department: Department, tmp_path: Path
) -> None:
    form = docx.Document(io.BytesIO(department_docx(department, created=CREATED))).tables[0]
    rows = [list(dict.fromkeys(cell.text for cell in row.cells)) for row in form.rows][2:4]
    assert rows == [["主管部门", COMPETENT, "实施单位", "乐亭县委组织部"], ["项目属性", "延续", "资金来源", FUNDING]]
    for name, write in (("部门.docx", department_docx), ("部门.xlsx", department_xlsx)):
        path = tmp_path / name
        path.write_bytes(write(department, created=CREATED))
        assert read_document(path).department == department, name


def add_row_after_code(path: Path, cells: list[str], table_index: int | None = None) -> None:
    """A row of four cells after each project form's 项目编码 row, as another county's form prints it."""
    document = docx.Document(str(path))
    forms = [table for table in document.tables if table.rows[1].cells[0].text == "项目编码"]
    for table in forms if table_index is None else [forms[table_index]]:
        row = copy.deepcopy(table.rows[1]._tr)
        table.rows[1]._tr.addnext(row)
        for cell, text in zip(dict.fromkeys(table.rows[2].cells), cells):
            cell.text = text
    document.save(str(path))


def test_a_word_form_with_rows_of_another_county_is_read_with_both_fields(tmp_path: Path) -> None:
    path = tmp_path / "部门.docx"
    path.write_bytes(department_docx(SEED, created=CREATED))
    add_row_after_code(path, ["主管部门", COMPETENT, "资金来源", FUNDING])
    read = read_document(path).department
    assert read.competent_department == COMPETENT
    assert {project.funding_source for project in read.projects} == {FUNDING}
    assert read == replace(
        SEED,
        competent_department=COMPETENT,
        projects=tuple(replace(project, funding_source=FUNDING) for project in SEED.projects),
    )


def test_project_tables_naming_different_competent_departments_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "部门.docx"
    path.write_bytes(department_docx(SEED, created=CREATED))
    add_row_after_code(path, ["主管部门", COMPETENT, "资金来源", FUNDING])
    document = docx.Document(str(path))
    forms = [table for table in document.tables if table.rows[1].cells[0].text == "项目编码"]
    forms[1].rows[2].cells[1].text = "乐亭县委"
    document.save(str(path))
    with pytest.raises(ReadError) as error:
        read_document(path)
    second = SEED.projects[1].name
    assert str(error.value) == (
        f"{path}: 第 3 个表格第 3 行第 2 格: 第 2 个项目表（{second}）的“主管部门”“乐亭县委”"
        f"与第 1 个项目表（村干部基础职务补贴）的“{COMPETENT}”不同（一个部门只有一个主管部门）"
    )
