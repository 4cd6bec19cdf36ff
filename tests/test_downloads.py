"""Every download of the seed site, read back with a standard reader, holds exactly the seed's values."""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
import zipfile
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import frictionless
import openpyxl
import pytest
from conftest import CONTENT, SEED, build_site, copy_project, page_text
from seed_cells import FORM_LABELS, project_blocks, squash

from generator.formats.json_file import to_json, with_documents
from generator.formats.numbers import format_size
from generator.formats.xlsx import to_xlsx
from generator.formats.zips import ZIP_DATE
from generator.schema.model import CENT, Indicator, Project, SpendingPlan, fields_of
from generator.schema.validate import load_catalog
from generator.site.downloads import INDICATORS, PLANS, PROJECTS, TARGET_TABLES, build_downloads
from generator.site.history import History
from generator.site.parts import make_site
from generator.site.quality import Review
from generator.site.render import Renderer
from generator.site.urls import SiteUrls
from generator.source.readers import read_document

DATED = datetime(2024, 1, 1)  # the date the Word and Excel downloads record

DEPARTMENT = read_document(SEED).department
EXPECTED = DEPARTMENT.projects  # in published order
PUBLISHED = load_catalog(CONTENT).departments[0].published  # the import's, not the form's
FOLDER = "downloads/2024/203001"
BOM = b"\xef\xbb\xbf"
QUARTER_ENDS = [(f.key, f.spec.label) for f in fields_of(SpendingPlan)]


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(BOM), f"{path} has no BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def exact(value: Decimal | None) -> str:
    """How an amount is written in CSV and JSON: its exact decimal text, scale kept; blank stays blank."""
    return "" if value is None else f"{value:f}"


def planned(total: Decimal, percent: Decimal | None) -> Decimal | None:
    return None if percent is None else (total * percent / 100).quantize(CENT)


def expected_project_row(project: Project) -> dict[str, str]:
    budget = project.budget
    return {
        "year": "2024",
        "department_code": "203001",
        "department_name": DEPARTMENT.name,
        "money_unit": "万元",
        "competent_department": "",  # not on this county's form
        "published": str(PUBLISHED),
        "project_code": project.code,
        "project_name": project.name,
        "project_number": str(project.number),
        "implementing_unit": "",  # not on this county's form
        "project_attribute": "",
        "funding_source": "",
        "continues": "",  # the seed is the site's only year
        "budget_total": exact(budget.total),
        "budget_fiscal": exact(budget.fiscal),
        "budget_other": exact(budget.other),
        "purpose": project.purpose,
        "goal": project.goal,
        "url": f"/2024/203001/{project.code}/",
    }


def cells(indicator: Indicator) -> dict[str, str]:
    return {f.key: getattr(indicator, f.key) for f in fields_of(Indicator)}


def expected_indicator_rows(project: Project) -> list[dict[str, str]]:
    return [
        {
            "year": "2024",
            "project_code": project.code,
            "indicator_id": indicator.id,
            **{key: value for key, value in cells(indicator).items() if key != "id"},
            "row_number": str(number),
            "url": f"/2024/203001/{project.code}/#{project.code}-{indicator.id}",
        }
        for number, indicator in enumerate(project.indicators, start=1)
    ]


def expected_plan_rows(project: Project) -> list[dict[str, str]]:
    return [
        {
            "year": "2024",
            "project_code": project.code,
            "quarter_end": key,
            "label": label,
            "cumulative_percent": exact(getattr(project.plan, key)),
            "cumulative_amount": exact(planned(project.budget.total, getattr(project.plan, key))),
        }
        for key, label in QUARTER_ENDS
    ]


def test_project_json_holds_every_field_of_the_seed_exactly(seed_site: Path) -> None:
    for project in EXPECTED:
        document = json.loads((seed_site / FOLDER / f"{project.code}.json").read_text(encoding="utf-8"))
        assert (document["year"], document["department"]) == (2024, {"code": "203001", "name": DEPARTMENT.name})
        assert (document["code"], document["name"], document["number"]) == (project.code, project.name, project.number)
        assert (document["purpose"], document["goal"]) == (project.purpose, project.goal)
        assert (document["implementing_unit"], document["attribute"]) == (None, None)  # not on this county's form
        # Amounts are strings holding the exact decimal, scale included ("1700.00"); blank is null.
        budget = project.budget
        assert document["budget"] == {
            key: value and f"{value:f}"
            for key, value in (("total", budget.total), ("fiscal", budget.fiscal), ("other", budget.other))
        }
        assert [point["cumulative_percent"] for point in document["plan"]] == [
            exact(getattr(project.plan, key)) or None for key, _ in QUARTER_ENDS
        ]
        assert [point["cumulative_amount"] for point in document["plan"]] == [
            row["cumulative_amount"] or None for row in expected_plan_rows(project)
        ]
        assert [{k: v for k, v in row.items() if k != "url"} for row in document["indicators"]] == [
            cells(indicator) for indicator in project.indicators
        ]
        assert document["url"] == f"/2024/203001/{project.code}/"


#: Cells of the printed form that are labels, not data: the JSON names them by its keys.
LABELS = FORM_LABELS | {
    "项目编码",
    "预算数",
    "其他资金",
    "绩效目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "绩效指标描述",
}
LABELS |= {"指标值", "指标值确定依据"}


def json_strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in json_strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in json_strings(item)]
    return [str(value)]


def test_project_json_holds_every_cell_of_the_document(seed_site: Path) -> None:
    """Against the independent reading of the export, not the importer."""
    for (title, cells), project in zip(project_blocks(SEED), EXPECTED):
        document = json.loads((seed_site / FOLDER / f"{project.code}.json").read_text(encoding="utf-8"))
        document["department"]["both"] = document["department"]["code"] + document["department"]["name"]
        for point in document["plan"]:  # the form writes 20%, the JSON the number 20
            point["cumulative_percent"] = point["cumulative_percent"] and point["cumulative_percent"] + "%"
        text = squash("|".join(json_strings(document)))
        missing = [cell for cell in cells if squash(cell) not in text and squash(cell) not in LABELS]
        assert title == document["name"] and not missing, f"{project.code} is missing {missing}"


def test_project_csv_holds_its_indicators(seed_site: Path) -> None:
    for project in EXPECTED:
        assert read_csv(seed_site / FOLDER / f"{project.code}.csv") == expected_indicator_rows(project)


@pytest.mark.parametrize("prefix", [f"{FOLDER}/203001", "downloads/all"])
def test_department_and_site_csv_tables_match_the_seed(seed_site: Path, prefix: str) -> None:
    assert read_csv(seed_site / f"{prefix}-projects.csv") == [expected_project_row(d) for d in EXPECTED]
    assert read_csv(seed_site / f"{prefix}-indicators.csv") == [r for d in EXPECTED for r in expected_indicator_rows(d)]
    assert read_csv(seed_site / f"{prefix}-plans.csv") == [r for d in EXPECTED for r in expected_plan_rows(d)]
    raw = (seed_site / f"{prefix}-projects.csv").read_bytes()
    assert b"\r\n" in raw and b",4916.86,4916.86,," in raw and b",1700.00,1700.00,," in raw


@pytest.mark.parametrize("name", [f"{FOLDER}/203001.xlsx", "downloads/all.xlsx"])
def test_xlsx_has_a_sheet_per_table_with_the_seed_values(seed_site: Path, name: str) -> None:
    path = seed_site / name
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["项目", "绩效指标", "资金支出计划", "指标质量提示"]  # one year: nothing to compare
    tables = [
        (PROJECTS, [expected_project_row(d) for d in EXPECTED]),
        (INDICATORS, [r for d in EXPECTED for r in expected_indicator_rows(d)]),
        (PLANS, [r for d in EXPECTED for r in expected_plan_rows(d)]),
    ]
    for sheet, (table, expected) in zip(workbook.worksheets, tables):
        rows = list(sheet.iter_rows())
        assert [cell.value for cell in rows[0]] == [column.title for column in table.columns]
        assert len(rows) == len(expected) + 1
        for row, want in zip(rows[1:], expected):
            for cell, column in zip(row, table.columns):
                if want[column.name] == "":  # a blank cell of the form, or a field this form does not have
                    assert cell.value is None, cell.coordinate
                elif column.type == "string":
                    assert cell.data_type == "s" and cell.value == want[column.name], (cell.coordinate, cell.value)
                elif column.type == "date":  # a date cell that sorts and filters as a date, shown as 2024-02-01
                    assert cell.is_date and cell.number_format == "yyyy-mm-dd", (cell.coordinate, cell.value)
                    assert cell.value == datetime.fromisoformat(want[column.name]), cell.coordinate
                else:
                    assert Decimal(str(cell.value)) == Decimal(want[column.name]), cell.coordinate
    # The file holds the exact decimal text, not a float's digits.
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
        assert "<v>4916.86</v>" in sheet_xml and "<v>1700.00</v>" in sheet_xml
        assert "<f>" not in sheet_xml  # no formulas, ever
        assert {info.date_time for info in archive.infolist()} == {ZIP_DATE}


def test_department_and_site_json_hold_the_goals_and_every_project(seed_site: Path) -> None:
    department = json.loads((seed_site / FOLDER / "203001.json").read_text(encoding="utf-8"))
    site = json.loads((seed_site / "downloads/all.json").read_text(encoding="utf-8"))
    assert site["departments"] == [department]
    assert (department["name"], department["total"], department["money_unit"]) == (DEPARTMENT.name, "7331.80", "万元")
    for key in ("overall", "itemized", "safeguards"):
        goals = getattr(DEPARTMENT.goals, key)
        assert department["goals"][key] == {"intro": goals.intro, "items": list(goals.items)}
    for document, project in zip(department["projects"], EXPECTED, strict=True):
        assert document == json.loads((seed_site / FOLDER / f"{project.code}.json").read_text(encoding="utf-8"))


def test_datapackage_validates_and_loads_exact_decimals_with_frictionless(seed_site: Path) -> None:
    descriptor = seed_site / "downloads" / "datapackage.json"
    package_json = json.loads(descriptor.read_text(encoding="utf-8"))
    assert package_json["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    resources = {resource["name"]: resource for resource in package_json["resources"]}
    assert resources["projects"]["schema"]["primaryKey"] == ["year", "project_code"]
    for name in ("indicators", "plans"):
        assert resources[name]["schema"]["foreignKeys"] == [
            {
                "fields": ["year", "project_code"],
                "reference": {"resource": "projects", "fields": ["year", "project_code"]},
            }
        ]
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["type", "note"])
    package = frictionless.Package(str(descriptor))
    projects = package.get_resource("projects").read_rows()
    assert [(row["project_code"], row["budget_total"], row["budget_other"]) for row in projects] == [
        (p.code, p.budget.total, p.budget.other) for p in EXPECTED
    ]
    assert isinstance(projects[0]["budget_total"], Decimal)
    plans = package.get_resource("plans").read_rows()
    assert [row["cumulative_percent"] for row in plans] == [
        getattr(p.plan, k) for p in EXPECTED for k, _ in QUARTER_ENDS
    ]


def test_a_broken_foreign_key_fails_frictionless_validation(seed_site: Path, tmp_path: Path) -> None:
    """The schema is strict enough to catch an indicator of a project that does not exist."""
    for path in (seed_site / "downloads").glob("all-*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    package = json.loads((seed_site / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        del resource["hash"], resource["bytes"]
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    indicators = tmp_path / "all-indicators.csv"
    indicators.write_bytes(
        indicators.read_bytes().replace(b"2024,13022524P00442P10057D,quantity-1", b"2024,NOSUCH,quantity-1")
    )
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {error[0] for error in report.flatten(["type"])}


def page_links(html: str, page: str) -> list[str]:
    """Every href of the page's download list, resolved to a path from the site root."""
    base = posixpath.dirname(page)
    start = html.index('<div class="bp-cite"')
    section = html[start : html.index("</div>", start)]
    return [posixpath.normpath(posixpath.join(base, href)) for href in re.findall(r'<a href="([^"#]+)"', section)]


def test_every_project_page_links_its_own_files(seed_site: Path) -> None:
    for project in EXPECTED:
        page = f"2024/203001/{project.code}/index.html"
        links = page_links((seed_site / page).read_text(encoding="utf-8"), page)
        assert links[:2] == [f"{FOLDER}/{project.code}.json", f"{FOLDER}/{project.code}.csv"]
        assert "downloads" in links  # the downloads page
        assert all((seed_site / link).exists() for link in links)


def test_department_and_home_pages_link_their_files(seed_site: Path) -> None:
    department = page_links(
        (seed_site / "2024/203001/index.html").read_text(encoding="utf-8"), "2024/203001/index.html"
    )
    assert department[:6] == [
        f"{FOLDER}/203001{suffix}"
        for suffix in (".json", "-projects.csv", "-indicators.csv", "-plans.csv", "-findings.csv", ".xlsx")
    ]
    assert not any(link.startswith(f"{FOLDER}/13022524") for link in department)  # on the project pages
    home = page_links((seed_site / "index.html").read_text(encoding="utf-8"), "index.html")
    assert "downloads/datapackage.json" in home and "downloads/all.xlsx" in home
    assert all((seed_site / link).exists() for link in department + home)


def test_every_file_is_listed_with_its_size_on_the_downloads_department_or_project_page(seed_site: Path) -> None:
    # Site-wide files on the downloads page, a department's files on its page and a project's on
    # its page: no page grows with the number of projects of the site or of a department.
    downloads = (seed_site / "downloads" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(
        r'<tr><td data-label="文件"><a href="([^"]+)"><code>[^<]+</code></a></td><td data-label="格式">(\w+)</td>'
        r'<td class="bp-num" data-label="大小"><span title="(\d+) 字节">([^<]+)</span></td>'
        r'<td data-label="说明">([^<]+)</td></tr>',
        downloads,
    )
    listed = {posixpath.normpath(posixpath.join("downloads", href)): (size, shown) for href, _, size, shown, _ in rows}
    department = (seed_site / "2024" / "203001" / "index.html").read_text(encoding="utf-8")
    items = re.findall(r'<a href="([^"]+)">[^<]+</a>（(?:\w+，)?<span title="(\d+) 字节">([^<]+)</span>）', department)
    listed |= {posixpath.normpath(posixpath.join("2024/203001", href)): (size, shown) for href, size, shown in items}
    for project in (seed_site / "2024" / "203001").glob("*/index.html"):
        found = re.findall(
            r'<a href="([^"]+)">[^<]+</a>（(?:\w+，)?<span title="(\d+) 字节">([^<]+)</span>）', project.read_text()
        )
        items += found
        folder = f"2024/203001/{project.parent.name}"
        listed |= {posixpath.normpath(posixpath.join(folder, href)): (size, shown) for href, size, shown in found}
    served = {str(p.relative_to(seed_site)) for p in (seed_site / "downloads").rglob("*") if p.is_file()}
    served.discard("downloads/index.html")
    assert (
        set(listed) == served and len(rows) + len(items) == len(served) == 8 + 8 + 2 * 13
    )  # site (no change table with one year), department, projects
    for path, (size, shown) in listed.items():
        actual = (seed_site / path).stat().st_size
        assert (int(size), shown) == (actual, format_size(actual))
    assert '<a href="../2024/203001/#cite">中国共产党乐亭县委员会组织部本级</a>：34 个文件' in downloads
    nav_pattern = r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>'
    nav = re.search(nav_pattern, downloads, re.DOTALL).group(0)
    labels = re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', nav, re.DOTALL)
    assert labels.index("下载数据") == labels.index("指标质量") + 1 == labels.index("2024年") + 2


def test_built_files_are_exactly_the_computed_bytes_whatever_the_clock(
    seed_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("time.time", lambda: 4_000_000_000.0)
    catalog = load_catalog(CONTENT)
    downloads = build_downloads(History(catalog), Review(catalog), "乐亭县预算绩效目标公开", SiteUrls(), DATED)
    for file in downloads.files:
        assert (seed_site / file.path).read_bytes() == file.content, file.path


def test_links_resolve_without_directory_urls(tmp_path: Path) -> None:
    site = build_site(copy_project(tmp_path / "project"), use_directory_urls=False)
    for page in (
        "index.html",
        "2024/203001/index.html",
        "2024/203001/13022524P00442P10057D.html",
        "downloads/index.html",
    ):
        html = (site / page).read_text(encoding="utf-8")
        links = [
            posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
            for href in re.findall(r'<a href="((?:\.\./)*downloads/[^"#]*|[^"#:/]+\.(?:csv|json|xlsx))"', html)
        ]
        assert links, page
        for link in links:
            assert (site / link).is_file() or (site / link / "index.html").is_file(), (page, link)
    project = json.loads((site / FOLDER / "13022524P00442P10057D.json").read_text(encoding="utf-8"))
    assert project["url"] == "/2024/203001/13022524P00442P10057D.html"


HOSTILE = ['=HYPERLINK("http://x","点我")', "+1", "-5%", "@SUM(A1)", "\tx", "'引号", "正常", "<b>粗</b>", "a_x0041_b"]


def test_formula_like_text_is_defused_in_csv_and_exact_elsewhere() -> None:
    catalog = load_catalog(CONTENT)
    department = catalog.departments[0]
    project = department.projects[0]
    indicators = tuple(replace(project.indicators[0], id=f"row-{i}", value=text) for i, text in enumerate(HOSTILE))
    project = replace(project, indicators=indicators, name=HOSTILE[0])
    department = replace(department, projects=(project,))
    catalog = replace(catalog, departments=(department,))
    urls = SiteUrls()
    downloads = build_downloads(History(catalog), Review(catalog), "站点", urls, DATED)
    files = {file.path: file.content for file in downloads.files}

    rows = list(csv.DictReader(io.StringIO(files[f"{FOLDER}/{project.code}.csv"].decode("utf-8-sig"), newline="")))
    written = [row["value"] for row in rows]
    assert written[:6] == ["'" + text for text in HOSTILE[:6]] and written[6:] == HOSTILE[6:]
    # The documented rule undoes it exactly: drop one leading '.
    assert [value.removeprefix("'") for value in written] == HOSTILE

    workbook = openpyxl.load_workbook(io.BytesIO(files[f"{FOLDER}/203001.xlsx"]))
    value_column = [c.name for c in INDICATORS.columns].index("value")
    written_cells = [row[value_column] for row in workbook["绩效指标"].iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in written_cells)
    assert [cell.value for cell in written_cells[:-1]] == HOSTILE[:-1]
    name_column = [c.name for c in PROJECTS.columns].index("project_name")
    assert [row[name_column].value for row in workbook["项目"].iter_rows(min_row=2)] == [HOSTILE[0]]

    document = json.loads(files[f"{FOLDER}/{project.code}.json"])
    assert [row["value"] for row in document["indicators"]] == HOSTILE

    page = Renderer("站点", History(catalog), urls, downloads).project(department, project)
    cite = page[page.index("bp-citation") :]
    assert "&lt;b&gt;" not in cite and "=HYPERLINK(&#34;http://x&#34;" in cite


def test_xml_illegal_characters_are_escaped_the_ooxml_way() -> None:
    """XML cannot hold a bell; OOXML writes _x0007_, and escapes a literal "_x0041_" so Excel shows it as typed."""
    rows = [(2024, "C1", "x", "a", "b", "c", "bell\x07here", "a_x0041_b", "w", 1, "u")]
    with zipfile.ZipFile(io.BytesIO(to_xlsx([(INDICATORS, rows)]))) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert ">bell_x0007_here<" in sheet and ">a_x005F_x0041_b<" in sheet
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx([(INDICATORS, rows)])))  # still a valid workbook
    assert workbook.active["F2"].value == "c"


def test_downloads_page_names_each_fields_type_in_chinese(seed_site: Path) -> None:
    source = (seed_site / "downloads" / "index.html").read_text(encoding="utf-8")
    types = re.findall(r'<td data-label="类型">([^<]*)</td>', source)
    columns = [
        column for table in TARGET_TABLES for column in table.columns
    ]  # one year, no 自评表: no change or results tables
    assert len(types) == len(columns) and set(types) == {"文本", "整数", "数值", "日期"}
    assert types[[c.name for c in columns].index("published")] == "日期"
    assert types[[c.name for c in columns].index("budget_total")] == "数值"
    assert types[[c.name for c in columns].index("year")] == "整数"


def test_with_one_year_no_change_table_is_offered(seed_site: Path) -> None:
    assert not (seed_site / "downloads/all-changes.csv").exists()
    package = json.loads((seed_site / "downloads/datapackage.json").read_text(encoding="utf-8"))
    assert [resource["name"] for resource in package["resources"]] == ["projects", "indicators", "plans", "findings"]
    downloads = page_text(seed_site / "downloads/index.html")
    assert "与上年比较" not in downloads and "all-changes" not in downloads
    assert "上面四个 CSV 表的字段类型" in downloads


def files_under(site: Path, folder: str) -> dict[str, bytes]:
    return {str(path.relative_to(site)): path.read_bytes() for path in (site / folder).rglob("*") if path.is_file()}


def test_a_big_county_makes_its_departments_downloads_on_a_dask_cluster_with_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from two_years import content_with_two_years

    from generator.publish import executor

    content = content_with_two_years(CONTENT, tmp_path / "content")
    alone = build_site(copy_project(tmp_path / "alone", content))
    monkeypatch.setattr(executor, "TASKS_FOR_A_CLUSTER", 2)  # the seed's two years are enough to start one
    project = copy_project(tmp_path / "project", content)
    with caplog.at_level("INFO", logger="mkdocs.plugins.budget"):
        clustered = build_site(project)
    assert "downloads of 2 departments made on a Dask cluster; forms of 2 written, 0 kept" in caplog.text
    assert len(list((project / ".site.cache/forms").rglob("*.*x"))) == 4  # kept by the workers
    assert len(files_under(clustered, "downloads")) > 40
    assert files_under(clustered, ".") == files_under(alone, ".")  # the pages show the same sizes


class _Cluster:
    """A cluster whose tasks run when first asked about; `finished` says whether they report being done before,
    `disks` which folders of this machine are other folders on its workers' machines (none shared)."""

    def __init__(self, finished: bool = True, failing: bool = False, disks: dict[str, str] | None = None) -> None:
        self.finished, self.failing, self.disks = finished, failing, disks or {}

    def scatter(self, data):
        return self.submit(lambda: data)

    def submit(self, function, *args, **kwargs):
        cluster = self

        class Task:
            ran = False

            def done(self):
                return cluster.finished

            def exception(self):
                if cluster.failing:
                    return RuntimeError("worker lost")
                if not self.ran:  # the site's task is given the departments' tasks, as Dask gives their results
                    given = [arg.result() if isinstance(arg, Task) else cluster.disks.get(arg, arg) for arg in args]
                    self.value = function(*given)
                    self.ran = True
                return None

            def result(self):
                if self.exception() is not None:
                    raise self.exception()
                return self.value

        return Task()


def test_pages_written_before_their_files_are_made_show_the_files_sizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import contextmanager

    from generator.publish import plugin

    alone = build_site(copy_project(tmp_path / "alone"))
    unhurried = _Cluster(finished=False)  # every page is written before any file
    monkeypatch.setattr(plugin, "county_executor", contextmanager(lambda tasks: iter([unhurried])))
    site = build_site(copy_project(tmp_path / "unhurried"))
    assert "<!--bp-size" not in (site / "2024/203001/index.html").read_text(encoding="utf-8")
    assert files_under(site, ".") == files_under(alone, ".")
    assert not list((tmp_path / "unhurried").glob("*.downloads"))  # moved into the site


def test_a_cluster_whose_workers_write_to_another_machines_disk_stops_the_build_saying_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from contextlib import contextmanager

    from mkdocs.exceptions import Abort

    from generator.publish import plugin

    project = copy_project(tmp_path / "project")
    folder = project / ".site.building.downloads"  # where the build has its downloads written
    elsewhere = _Cluster(disks={str(folder): str(tmp_path / "another machine")})
    monkeypatch.setattr(plugin, "county_executor", contextmanager(lambda tasks: iter([elsewhere])))
    with pytest.raises(Abort):
        build_site(project)
    assert re.search(r"下载文件 downloads/\S+ 不在 .*（共享文件夹）", caplog.text)
    assert sorted(path.name for path in project.iterdir()) == [".site.cache", "content", "docs", "mkdocs.yml"]


@pytest.mark.parametrize("cluster", [_Cluster(), _Cluster(failing=True)], ids=["on a cluster", "its workers lost"])
def test_a_clusters_tasks_write_the_same_files_as_the_build_itself(tmp_path: Path, cluster: _Cluster) -> None:
    catalog = load_catalog(CONTENT)
    here = make_site(catalog, "站点", SiteUrls(), DATED, tmp_path / "here")
    there = make_site(catalog, "站点", SiteUrls(), DATED, tmp_path / "there", executor=cluster)
    assert there.written_so_far() == here.written_so_far()  # the departments' files
    sizes = there.written()
    assert len(sizes) > 20 and sizes == here.written()
    assert files_under(tmp_path / "there", ".") == files_under(tmp_path / "here", ".")
    assert there.pages == here.pages


@pytest.mark.parametrize(
    "departments", [[], [{}], [{"名称": '引号"和\\斜杠\n换行', "金额": "1700.00", "空": None}, {"项目": [1, "2"]}]]
)
def test_the_sites_json_holds_each_departments_json_file_byte_for_byte(departments: list[dict]) -> None:
    joined = with_documents({"name": "乐亭县</script>"}, "departments", [to_json(d) for d in departments])
    assert joined == to_json({"name": "乐亭县</script>", "departments": departments})
