"""The data downloads: every byte of the JSON, CSV, XLSX and datapackage.json files.

Plain functions from the validated Catalog to bytes, no MkDocs: the plugin computes
them in on_pre_build with the pages and hands them to MkDocs as generated files.

Choices that readers of the files rely on (the README's 下载数据 section says them):
- Amounts and percents are exact decimals: plain decimal text in CSV and XLSX
  (`4916.86`, `1700.00`) and *strings* in JSON, because a JSON number is read as a
  binary float by most parsers (Python's json, JavaScript) and loses `1700.00`'s scale.
- A blank cell of the form stays blank: empty in CSV and XLSX, null in JSON.
- CSV is UTF-8 with a BOM (Excel on Windows guesses the code page without it) and
  CRLF line ends (RFC 4180). A text cell beginning with = + - @ (or a tab, a carriage
  return, or a ') gets one ' in front, so that a spreadsheet never runs it as a
  formula; removing one leading ' restores the exact text. XLSX cells are typed as
  text and JSON is structured, so both carry the exact text unchanged.
- Files are byte-identical from one build to the next: no clock, fixed ZIP dates,
  insertion-ordered JSON.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property
from xml.sax.saxutils import escape as xml_escape

from generator.model import Catalog, Department, GoalSection, Project
from generator.render import SiteLayout

Cell = str | int | Decimal | None

ROOT = "downloads"


# --- Tables --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a table: its name in CSV and JSON, type for the Table Schema, Chinese title."""

    name: str
    type: str  # Table Schema type: "string", "integer" or "number"
    title: str  # the XLSX header and the schema's title
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str  # the datapackage resource name and file suffix: "projects"
    title: str  # the XLSX sheet name
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_key: tuple[str, ...] = ()  # columns pointing at the projects table's primary key


PROJECT_KEY = ("year", "project_code")

PROJECTS = Table(
    "projects",
    "项目",
    "每个项目一行：预算数及其构成、资金用途和绩效目标。",
    (
        Column("year", "integer", "年度", required=True),
        Column("department_code", "string", "单位编码", required=True),
        Column("department_name", "string", "单位名称", required=True),
        Column("project_code", "string", "项目编码", "项目的永久编号，同一年度内唯一。", required=True),
        Column("project_number", "integer", "序号", "在部门文件中的序号。", required=True),
        Column("project_name", "string", "项目名称", required=True),
        Column("money_unit", "string", "金额单位", required=True),
        Column("budget_total", "number", "预算数", "精确小数，单位见 money_unit。", required=True),
        Column("budget_fiscal", "number", "其中：财政资金", "精确小数；原表为空时留空。"),
        Column("budget_other", "number", "其他资金", "精确小数；原表为空时留空。"),
        Column("purpose", "string", "资金用途"),
        Column("goal", "string", "绩效目标"),
        Column("url", "string", "网页地址", "项目页面的地址。"),
    ),
    PROJECT_KEY,
)

INDICATORS = Table(
    "indicators",
    "绩效指标",
    "每个绩效指标一行，按项目页面上的顺序。",
    (
        Column("year", "integer", "年度", required=True),
        Column("project_code", "string", "项目编码", required=True),
        Column("indicator_id", "string", "指标编号", "在项目内唯一且稳定，不随行序变化。", required=True),
        Column("row_number", "integer", "行号", "在项目指标表中的位置（从 1 起），会随顺序调整而变。", required=True),
        Column("level1", "string", "一级指标"),
        Column("level2", "string", "二级指标"),
        Column("level3", "string", "三级指标"),
        Column("description", "string", "绩效指标描述"),
        Column("value", "string", "指标值", "原样保留的文字，如 ≥100%。"),
        Column("basis", "string", "指标值确定依据"),
        Column("url", "string", "网页地址", "项目页面上这一行的链接。"),
    ),
    PROJECT_KEY + ("indicator_id",),
    PROJECT_KEY,
)

PLANS = Table(
    "plans",
    "资金支出计划",
    "每个项目四行：截至各季度末计划累计支出的比例及按预算数折算的金额。",
    (
        Column("year", "integer", "年度", required=True),
        Column("project_code", "string", "项目编码", required=True),
        Column("quarter_end", "string", "时点代码", "mar、jun、oct、dec。", required=True),
        Column("label", "string", "时点", required=True),
        Column("cumulative_percent", "number", "累计支出比例（%）", "原表为空时留空。"),
        Column("cumulative_amount", "number", "累计支出金额", "预算数乘累计比例，四舍五入到分；比例为空时留空。"),
    ),
    PROJECT_KEY + ("quarter_end",),
    PROJECT_KEY,
)

TABLES = (PROJECTS, INDICATORS, PLANS)

Row = tuple[Cell, ...]


def project_rows(department: Department, project: Project, layout: SiteLayout) -> list[Row]:
    budget = project.budget
    return [
        (
            department.year,
            department.code,
            department.name,
            project.code,
            project.number,
            project.name,
            department.money_unit,
            budget.total,
            budget.fiscal,
            budget.other,
            project.purpose,
            project.goal,
            layout.public_url(layout.project(department, project)),
        )
    ]


def indicator_rows(department: Department, project: Project, layout: SiteLayout) -> list[Row]:
    page = layout.public_url(layout.project(department, project))
    return [
        (
            department.year,
            project.code,
            indicator.id,
            number,
            indicator.level1,
            indicator.level2,
            indicator.level3,
            indicator.description,
            indicator.value,
            indicator.basis,
            f"{page}#{project.code}-{indicator.id}",
        )
        for number, indicator in enumerate(project.indicators, start=1)
    ]


def plan_rows(department: Department, project: Project, layout: SiteLayout) -> list[Row]:
    return [
        (department.year, project.code, point.key, point.label, point.percent, project.planned_amount(point.percent))
        for point in project.plan.points()
    ]


ROWS = {PROJECTS.name: project_rows, INDICATORS.name: indicator_rows, PLANS.name: plan_rows}


@dataclass(frozen=True)
class TableChunk:
    """One project's rows of one table as CSV lines and as XLSX row XML.

    Made once per project and joined into its department's files and the site's:
    formatting every row again for each file was most of the downloads' time.
    """

    csv: str
    xlsx: tuple[str, ...]


def project_chunks(department: Department, project: Project, layout: SiteLayout) -> dict[str, TableChunk]:
    """The project's chunk of every table, by table name."""
    chunks = {}
    for table in TABLES:
        rows = ROWS[table.name](department, project, layout)
        chunks[table.name] = TableChunk(csv_lines(rows), tuple(xlsx_rows(table, rows)))
    return chunks


# --- CSV -----------------------------------------------------------------------------------------

#: First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """Text for a CSV cell, defused: see the module docstring. A leading ' is doubled to stay reversible."""
    if value.startswith(FORMULA_START) or value.startswith("'"):
        return "'" + value
    return value


def csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"  # never exponent notation
    if isinstance(value, int):
        return str(value)
    return csv_text(value)


def csv_lines(rows: Sequence[Row]) -> str:
    """Rows as CSV lines (CRLF); a file is its header line and the lines of its projects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def csv_file(table: Table, chunks: Iterable[str]) -> bytes:
    header = csv_lines([tuple(column.name for column in table.columns)])
    return ("\ufeff" + header + "".join(chunks)).encode("utf-8")


# --- XLSX ----------------------------------------------------------------------------------------
# Written by hand: about sixty lines, no dependency, byte-identical by construction, and every
# text cell is an inline string, so no text can ever become a formula.

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date ZIP can hold; the clock never reaches the file
STYLE_HEADER, STYLE_AMOUNT, STYLE_WRAP = 1, 2, 3
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Characters XML 1.0 cannot hold; OOXML writes them as _xHHHH_ (ECMA-376 ST_Xstring).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")

STYLES = f"""{XML_HEAD}<styleSheet xmlns="{SHEET_NS}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00####"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>
"""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _xml_text(value: str) -> str:
    value = XML_ILLEGAL.sub(lambda m: "_x005F_" if m.group() == "_" else f"_x{ord(m.group()):04X}_", value)
    return xml_escape(value)


#: Stands for the row number in a row's XML until the row's place in its sheet is known.
ROW_MARK = "\x00"  # XML_ILLEGAL escapes every \x00 of the text, so it marks nothing else


def _xlsx_cell(ref: str, value: Cell, column: Column, header: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not header:
        style = f' s="{STYLE_AMOUNT}"' if column.type == "number" and column.name != "cumulative_percent" else ""
        text = f"{value:f}" if isinstance(value, Decimal) else str(value)
        return f'<c r="{ref}"{style}><v>{text}</v></c>'
    text = str(value)
    style = STYLE_HEADER if header else STYLE_WRAP if "\n" in text else 0
    style_attr = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{style_attr} t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'


def xlsx_rows(table: Table, rows: Sequence[Row]) -> list[str]:
    """Each row's XML with ROW_MARK for its number: made once per project, numbered in every sheet."""
    refs = [f"{column_letter(i)}{ROW_MARK}" for i in range(len(table.columns))]
    return [
        f'<row r="{ROW_MARK}">'
        + "".join(_xlsx_cell(ref, value, column) for ref, value, column in zip(refs, row, table.columns))
        + "</row>"
        for row in rows
    ]


def _sheet(table: Table, chunks: Iterable[Sequence[str]]) -> str:
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{36 if c.name in {"purpose", "goal", "description"} else 14}" customWidth="1"/>'
        for i, c in enumerate(table.columns, start=1)
    )
    lines = [
        '<row r="1">'
        + "".join(_xlsx_cell(f"{column_letter(i)}1", c.title, c, header=True) for i, c in enumerate(table.columns))
        + "</row>"
    ]
    numbers = itertools.count(2)
    lines.extend(row.replace(ROW_MARK, str(next(numbers))) for chunk in chunks for row in chunk)
    data = "\n".join(lines)
    return (
        f'{XML_HEAD}<worksheet xmlns="{SHEET_NS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
        f"<cols>{widths}</cols>\n<sheetData>\n{data}\n</sheetData></worksheet>\n"
    )


def to_xlsx(sheets: Sequence[tuple[Table, Sequence[Row]]]) -> bytes:
    """A workbook with one sheet per table, header row frozen."""
    return xlsx_file([(table, [xlsx_rows(table, rows)]) for table, rows in sheets])


def xlsx_file(sheets: Sequence[tuple[Table, Iterable[Sequence[str]]]]) -> bytes:
    """A workbook of the rows made by xlsx_rows, project by project."""
    count = len(sheets)
    parts = {
        "[Content_Types].xml": (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, count + 1)
            )
            + "</Types>\n"
        ),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>\n'
        ),
        "xl/workbook.xml": (
            f'{XML_HEAD}<workbook xmlns="{SHEET_NS}" xmlns:r="{REL_NS}"><sheets>'
            + "".join(
                f'<sheet name="{xml_escape(table.title)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, (table, _) in enumerate(sheets, start=1)
            )
            + "</sheets></workbook>\n"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, count + 1)
            )
            + f'<Relationship Id="rId{count + 1}" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>\n'
        ),
        "xl/styles.xml": STYLES,
    }
    for i, (table, chunks) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet(table, chunks)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the host OS would otherwise differ between build machines
            info.external_attr = 0
            archive.writestr(info, text.encode("utf-8"), compresslevel=6)
    return buffer.getvalue()


# --- JSON ----------------------------------------------------------------------------------------


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _goals(section: GoalSection) -> dict[str, object]:
    return {"intro": section.intro, "items": list(section.items)}


def project_document(department: Department, project: Project, layout: SiteLayout) -> dict[str, object]:
    """Every field of a project, plus where it is published."""
    page = layout.public_url(layout.project(department, project))
    return {
        "year": department.year,
        "department": {"code": department.code, "name": department.name},
        "code": project.code,
        "number": project.number,
        "name": project.name,
        "url": page,
        "money_unit": department.money_unit,
        "budget": {
            "total": _decimal(project.budget.total),
            "fiscal": _decimal(project.budget.fiscal),
            "other": _decimal(project.budget.other),
        },
        "purpose": project.purpose,
        "goal": project.goal,
        "plan": [
            {
                "quarter_end": point.key,
                "label": point.label,
                "cumulative_percent": _decimal(point.percent),
                "cumulative_amount": _decimal(project.planned_amount(point.percent)),
            }
            for point in project.plan.points()
        ],
        "indicators": [
            {
                "id": indicator.id,
                "url": f"{page}#{project.code}-{indicator.id}",
                "level1": indicator.level1,
                "level2": indicator.level2,
                "level3": indicator.level3,
                "description": indicator.description,
                "value": indicator.value,
                "basis": indicator.basis,
            }
            for indicator in project.indicators
        ],
    }


def department_document(
    department: Department, layout: SiteLayout, projects: Sequence[dict[str, object]]
) -> dict[str, object]:
    """The department's goals and every project, given as its project_documents (made once, reused)."""
    return {
        "year": department.year,
        "code": department.code,
        "name": department.name,
        "url": layout.public_url(layout.department(department)),
        "money_unit": department.money_unit,
        "total": _decimal(department.total),
        "goals": {
            "overall": _goals(department.overall_goals),
            "itemized": _goals(department.itemized_goals),
            "safeguards": _goals(department.safeguards),
        },
        "projects": list(projects),
    }


def to_json(document: object) -> bytes:
    # Compact: with `indent` Python falls back to its pure-Python encoder, 10x slower on a
    # county's thousand projects; browsers and editors pretty-print JSON on their own.
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# --- The files -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """One file of the downloads: where it is served, its bytes, and a line saying what it holds."""

    path: str  # relative to the site root: "downloads/2024/203001/203001.xlsx"
    content: bytes | None  # None in a listing made while the bytes are made elsewhere (plugin.py)
    format: str  # "JSON", "CSV", "XLSX"
    description: str
    owner: tuple[object, ...]  # ("site",), ("department", year, code) or ("project", year, department code, code)

    @property
    def size(self) -> int | None:
        return None if self.content is None else len(self.content)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Downloads:
    """Every download of the site, in the order the downloads page lists them."""

    files: tuple[Download, ...]
    tables: tuple[Table, ...] = TABLES  # for the field list on the downloads page

    def of(self, *owner: object) -> tuple[Download, ...]:
        return self._grouped[0].get(owner, ())

    def within(self, year: int, department_code: str) -> tuple[Download, ...]:
        """A department's files, then its projects' files."""
        return self._grouped[1].get((year, department_code), ())

    @cached_property
    def _grouped(self) -> tuple[dict[tuple[object, ...], tuple[Download, ...]], ...]:
        """The files by owner and by (year, department code), in list order.

        Every page asks for its files: scanning the whole list each time made the
        build quadratic (10 s of 3,000 projects' build; see benchmarks/README.md).
        """
        by_owner: dict[tuple[object, ...], list[Download]] = {}
        by_department: dict[tuple[object, ...], list[Download]] = {}
        for file in self.files:
            by_owner.setdefault(file.owner, []).append(file)
            by_department.setdefault(tuple(file.owner[1:3]), []).append(file)
        return (
            {key: tuple(files) for key, files in by_owner.items()},
            {key: tuple(files) for key, files in by_department.items()},
        )


def department_folder(department: Department) -> str:
    return f"{ROOT}/{department.year}/{department.code}"


def _table_files(
    prefix: str, label: str, chunks: Sequence[dict[str, TableChunk]] | None, owner: tuple[object, ...]
) -> list[Download]:
    """The CSV of every table and the XLSX of them all; chunks None for a listing without bytes."""
    files = [
        Download(
            f"{prefix}-{table.name}.csv",
            csv_file(table, (chunk[table.name].csv for chunk in chunks)) if chunks is not None else None,
            "CSV",
            f"{label}：{table.title}表",
            owner,
        )
        for table in TABLES
    ]
    workbook = (
        xlsx_file([(table, [chunk[table.name].xlsx for chunk in chunks]) for table in TABLES])
        if chunks is not None
        else None
    )
    files.append(Download(f"{prefix}.xlsx", workbook, "XLSX", f"{label}：项目、绩效指标、资金支出计划三张工作表", owner))
    return files


def datapackage(site_name: str, files: Sequence[Download]) -> dict[str, object]:
    """A Frictionless Data Package (v2) describing the site-wide CSV tables."""
    by_path = {file.path: file for file in files}
    resources = []
    for table in TABLES:
        file = by_path[f"{ROOT}/all-{table.name}.csv"]
        schema: dict[str, object] = {
            "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
            "fields": [
                {
                    "name": column.name,
                    "type": column.type,
                    "title": column.title,
                    **({"description": column.description} if column.description else {}),
                    **({"constraints": {"required": True}} if column.required else {}),
                }
                for column in table.columns
            ],
            "missingValues": [""],
            "primaryKey": list(table.primary_key),
        }
        if table.foreign_key:
            schema["foreignKeys"] = [
                {"fields": list(table.foreign_key), "reference": {"resource": "projects", "fields": list(PROJECT_KEY)}}
            ]
        resources.append(
            {
                "name": table.name,
                "type": "table",
                "path": file.name,
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": file.size,
                "hash": "sha256:" + hashlib.sha256(file.content).hexdigest(),
                "title": table.title,
                "description": table.description
                + "文字以 = + - @ ' 或制表符开头时，前面加了一个英文单引号 '，以免表格软件当作公式执行；去掉它即为原文。",
                "dialect": {"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json", "header": True},
                "schema": schema,
            }
        )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "budget-performance-targets",
        "title": f"{site_name}：项目支出绩效目标",
        "resources": resources,
    }


def build_downloads(catalog: Catalog, site_name: str, layout: SiteLayout, contents: bool = True) -> Downloads:
    """Every download file of the catalog; the same catalog always gives the same bytes.

    Each project's document and table rows are made once and reused by the files of
    its department and of the site. With `contents=False` only the listing is made
    (paths, formats, descriptions): the pages are rendered from it while the bytes
    are made in a second process (plugin.py).
    """
    files: list[Download] = []
    department_documents: list[dict[str, object]] = []
    site_chunks: list[dict[str, TableChunk]] = []
    for department in catalog.departments:
        folder = department_folder(department)
        owner: tuple[object, ...] = ("department", department.year, department.code)
        projects = department.projects
        documents = [project_document(department, project, layout) for project in projects] if contents else []
        chunks = [project_chunks(department, project, layout) for project in projects] if contents else []
        department_documents.append(department_document(department, layout, documents) if contents else {})
        site_chunks.extend(chunks)
        files.append(
            Download(
                f"{folder}/{department.code}.json",
                to_json(department_documents[-1]) if contents else None,
                "JSON",
                f"{department.name}：部门整体绩效目标和全部项目的全部字段",
                owner,
            )
        )
        table_chunks = chunks if contents else None
        files.extend(_table_files(f"{folder}/{department.code}", department.name, table_chunks, owner))
        for index, project in enumerate(projects):
            owner = ("project", department.year, department.code, project.code)
            files.append(
                Download(
                    f"{folder}/{project.code}.json",
                    to_json(documents[index]) if contents else None,
                    "JSON",
                    f"{project.name}：全部字段",
                    owner,
                )
            )
            files.append(
                Download(
                    f"{folder}/{project.code}.csv",
                    csv_file(INDICATORS, [chunks[index][INDICATORS.name].csv]) if contents else None,
                    "CSV",
                    f"{project.name}：绩效指标表",
                    owner,
                )
            )
    site: list[Download] = [
        Download(
            f"{ROOT}/all.json",
            to_json({"name": site_name, "departments": department_documents}) if contents else None,
            "JSON",
            "全部部门：部门整体绩效目标和全部项目的全部字段",
            ("site",),
        )
    ]
    site.extend(_table_files(f"{ROOT}/all", "全部部门", site_chunks if contents else None, ("site",)))
    site.append(
        Download(
            f"{ROOT}/datapackage.json",
            to_json(datapackage(site_name, site)) if contents else None,
            "JSON",
            "数据包说明（Frictionless Data Package v2）：上面三个 CSV 表的字段类型、主键和外键",
            ("site",),
        )
    )
    return Downloads(tuple(site + files))


def with_contents(listing: Downloads, contents: dict[str, bytes]) -> Downloads:
    """The listing with the bytes made elsewhere; they must be for exactly its files."""
    if set(contents) != {file.path for file in listing.files}:
        raise ValueError("the download files made in the background are not the listed ones")
    return Downloads(tuple(replace(file, content=contents[file.path]) for file in listing.files), listing.tables)
