"""The model is the one schema: every field is labelled and downloadable, and a new optional field needs no other code."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import CONTENT, build_site, copy_project, page_text

from generator.schema.model import MODEL_CLASSES, Budget, Department, Indicator, Kind, Project, ProjectResult, fields_of
from generator.schema.validate import load_catalog
from generator.site.downloads import INDICATORS, PLANS, PROJECTS, build_downloads, model_document
from generator.site.history import History
from generator.site.quality import Review
from generator.site.render import Renderer, with_sizes
from generator.site.urls import SiteUrls
from generator.source.yaml_writer import write_content

DATED = datetime(2024, 1, 1)  # the date the Word and Excel downloads record

GOLDEN = Path(__file__).parent / "golden"
#: Classes whose scalar fields are columns of the download tables (the others are in the JSON only).
TABLED = (Department, Project, Budget, Indicator)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_every_model_field_has_a_label_and_a_kind_or_a_shape(cls: type) -> None:
    for field in fields_of(cls):
        assert field.spec.label.strip(), f"{cls.__name__}.{field.key} has no label"
        assert (field.spec.kind is not None) == field.is_scalar, f"{cls.__name__}.{field.key}"
        if field.spec.kind is Kind.CHOICE:
            assert field.spec.choices, f"{cls.__name__}.{field.key} has no choices"


@pytest.mark.parametrize("cls", TABLED, ids=lambda cls: cls.__name__)
def test_every_scalar_field_of_a_tabled_class_has_a_download_column(cls: type) -> None:
    columns = {column.name for table in (PROJECTS, INDICATORS, PLANS) for column in table.columns}
    for field in fields_of(cls):
        if field.is_scalar:
            assert field.spec.column, f"{cls.__name__}.{field.key} has no download column"
            assert field.spec.column in columns


def test_every_model_class_is_reachable_from_a_content_file() -> None:
    reached, queue = set(), [Department, Project, ProjectResult]
    while queue:
        cls = queue.pop()
        reached.add(cls)
        queue.extend(
            f.group or f.rows for f in fields_of(cls) if (f.group or f.rows) and (f.group or f.rows) not in reached
        )
    assert reached == set(MODEL_CLASSES)


def seed_with_optional_fields(tmp_path: Path) -> Path:
    """The seed with 实施单位 and 项目属性 filled in on its first project, as another county's form has them."""
    catalog = load_catalog(CONTENT)
    department = catalog.departments[0]
    first = replace(department.projects[0], implementing_unit="乐亭县委组织部\n干部科", attribute="延续")
    content = tmp_path / "content"
    write_content(replace(department, projects=(first, *department.projects[1:])), content)
    return content


def test_optional_fields_show_on_the_project_page_only_when_present(tmp_path: Path) -> None:
    content = seed_with_optional_fields(tmp_path)
    site = build_site(copy_project(tmp_path / "project", content))
    first = page_text(site / "2024/203001/13022524P00442P10057D/index.html")
    assert "实施单位" in first and "乐亭县委组织部" in first and "干部科" in first
    assert "项目属性" in first and "延续" in first
    other = page_text(site / "2024/203001/13022524P00442P10063T/index.html")
    assert "实施单位" not in other and "项目属性" not in other


def test_optional_fields_are_carried_into_every_download(tmp_path: Path) -> None:
    catalog = load_catalog(seed_with_optional_fields(tmp_path))
    files = {
        file.path: file.content
        for file in build_downloads(History(catalog), Review(catalog), "站点", SiteUrls(), DATED).files
    }
    folder = "downloads/2024/203001"
    for path in (f"{folder}/203001-projects.csv", "downloads/all-projects.csv"):
        rows = list(csv.DictReader(io.StringIO(files[path].decode("utf-8-sig"), newline="")))
        assert (rows[0]["implementing_unit"], rows[0]["project_attribute"]) == ("乐亭县委组织部\n干部科", "延续")
        assert (rows[1]["implementing_unit"], rows[1]["project_attribute"]) == ("", "")
    for path in (f"{folder}/203001.xlsx", "downloads/all.xlsx"):
        sheet = openpyxl.load_workbook(io.BytesIO(files[path]))["项目"]
        header = [cell.value for cell in sheet[1]]
        assert sheet.cell(2, header.index("实施单位") + 1).value == "乐亭县委组织部\n干部科"
        assert sheet.cell(2, header.index("项目属性") + 1).value == "延续"
    project = json.loads(files[f"{folder}/13022524P00442P10057D.json"])
    assert (project["implementing_unit"], project["attribute"]) == ("乐亭县委组织部\n干部科", "延续")
    assert json.loads(files["downloads/all.json"])["departments"][0]["projects"][0] == project
    schema = json.loads(files["downloads/datapackage.json"])["resources"][0]["schema"]["fields"]
    assert {
        "name": "project_attribute",
        "type": "string",
        "title": "项目属性",
        "description": "新增或延续；原表没有此项时留空。",
    } in schema


def test_json_documents_hold_every_declared_field_by_its_yaml_key() -> None:
    department = load_catalog(CONTENT).departments[0]
    document = model_document(department.projects[0])
    assert list(document) == [field.key for field in fields_of(Project)]
    assert list(document["budget"]) == [field.key for field in fields_of(Budget)]
    assert list(document["indicators"][0]) == [field.key for field in fields_of(Indicator)]


@pytest.mark.parametrize(
    "page",
    ["project-13022524P00442P10051P.md", "department-203001.md", "year-2024.md"],
)
def test_pages_match_their_reviewed_golden_files(page: str) -> None:
    """The generated Markdown of three pages with the files' sizes filled in, compared whole;
    UPDATE_GOLDEN=1 rewrites them for review."""
    catalog = load_catalog(CONTENT)
    department = catalog.departments[0]
    history = History(catalog)
    downloads = build_downloads(history, Review(history.catalog), "乐亭县预算绩效目标公开", SiteUrls(), DATED)
    renderer = Renderer("乐亭县预算绩效目标公开", history, SiteUrls(), downloads)
    made = {
        "project-13022524P00442P10051P.md": lambda: renderer.project(
            department, next(p for p in department.projects if p.code == "13022524P00442P10051P")
        ),
        "department-203001.md": lambda: renderer.department(department),
        "year-2024.md": lambda: renderer.year(2024),
    }[page]()
    made = with_sizes(made, {file.path: file.size for file in downloads.files})
    golden = GOLDEN / page
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(made, encoding="utf-8")
    assert made == golden.read_text(encoding="utf-8")
