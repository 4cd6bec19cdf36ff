"""The data downloads: every byte of the JSON, CSV, XLSX and datapackage.json files.

Plain functions from the validated Catalog to bytes, no MkDocs. The tables' columns
and the JSON documents' keys come from the model's declarations (`model.fields_of`):
a field declared with a column is in every file without a line here.

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from generator.formats.forms import ZIP_DATE, department_docx, department_xlsx
from generator.schema.model import Department, Indicator, Kind, PlanPoint, Project, SchemaField, field_of, fields_of
from generator.schema.walk import Shapes, walk
from generator.site.history import History
from generator.site.quality import RULES, Finding, Review
from generator.site.urls import SiteUrls

Cell = str | int | Decimal | date | None


# --- Tables --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """What one row of a table is made from: a project, and the indicator, plan point or finding of the row."""

    department: Department
    project: Project
    urls: SiteUrls
    number: int = 0  # the indicator's row number in its project's table
    indicator: Indicator | None = None
    point: PlanPoint | None = None
    findings: tuple[Finding, ...] = ()  # the project's, from the site's one Review
    finding: Finding | None = None


#: The Table Schema types in the words of the downloads page.
TYPE_TITLES = {"string": "文本", "integer": "整数", "number": "数值", "date": "日期"}


@dataclass(frozen=True)
class Column:
    """One column of a table: its name in CSV and JSON, type for the Table Schema, Chinese title."""

    name: str
    type: str  # Table Schema type: "string", "integer", "number" or "date"
    title: str  # the XLSX header and the schema's title
    value: Callable[[Any], Cell] = field(compare=False, repr=False)  # of a Record; of a ProjectChange in CHANGES
    description: str = ""
    required: bool = False
    money: bool = False  # an amount in the department's money unit (shown with separators in XLSX)

    @property
    def type_title(self) -> str:
        return TYPE_TITLES[self.type]


def schema_columns(cls: type, owner: Callable[[Record], Any]) -> list[Column]:
    """A column for every declared field of `cls` that has one, nested mappings included."""

    def scalar(item: SchemaField) -> list[Column]:
        if not item.spec.column:
            return []
        return [
            Column(
                item.spec.column,
                item.spec.kind.schema_type,
                item.spec.label,
                lambda record, key=item.key: getattr(owner(record), key),
                item.spec.description,
                required=not item.spec.may_be_blank,
                money=item.spec.unit == "money",
            )
        ]

    shapes = Shapes(
        group=lambda item: schema_columns(item.group, lambda record, key=item.key: getattr(owner(record), key)),
        rows=lambda item: [],  # a table of its own (INDICATORS)
        text_list=lambda item: [],  # paragraphs: in the JSON documents, not a column
        scalar=scalar,
    )
    return [column for _, columns in walk(cls, shapes) for column in columns]


def _key_column(cls: type, key: str, owner: Callable[[Record], Any]) -> Column:
    return next(c for c in schema_columns(cls, owner) if c.name == field_of(cls, key).spec.column)


@dataclass(frozen=True)
class Table:
    name: str  # the datapackage resource name and file suffix: "projects"
    title: str  # the XLSX sheet name
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    records: Callable[[Record], Iterable[Record]] = field(compare=False, repr=False)  # a project's rows
    foreign_keys: tuple[tuple[str, ...], ...] = ()  # column groups pointing at the projects table's primary key

    def rows(self, record: Record) -> list[Row]:
        return [tuple(c.value(r) for c in self.columns) for r in self.records(record)]


def _department(record: Record) -> Department:
    return record.department


def _project(record: Record) -> Project:
    return record.project


def _page(record: Record) -> str:
    return record.urls.public_url(record.urls.project(record.department, record.project))


YEAR = _key_column(Department, "year", _department)
PROJECT_CODE = _key_column(Project, "code", _project)
PROJECT_KEY = (YEAR.name, PROJECT_CODE.name)

PROJECTS = Table(
    "projects",
    "项目",
    "每个项目一行：预算数及其构成、资金用途和绩效目标。",
    (
        *schema_columns(Department, _department),
        *schema_columns(Project, _project),
        Column("url", "string", "网页地址", _page, "项目页面的地址。"),
    ),
    PROJECT_KEY,
    lambda record: (record,),
)

INDICATORS = Table(
    "indicators",
    "绩效指标",
    "每个绩效指标一行，按项目页面上的顺序。",
    (
        YEAR,
        PROJECT_CODE,
        *schema_columns(Indicator, lambda record: record.indicator),
        Column(
            "row_number",
            "integer",
            "行号",
            lambda record: record.number,
            "在项目指标表中的位置（从 1 起），会随顺序调整而变。",
            required=True,
        ),
        Column(
            "url",
            "string",
            "网页地址",
            lambda record: record.urls.indicator_url(record.department, record.project, record.indicator),
            "项目页面上这一行的链接。",
        ),
    ),
    PROJECT_KEY + (field_of(Indicator, "id").spec.column,),
    lambda record: (
        Record(record.department, record.project, record.urls, number, indicator)
        for number, indicator in enumerate(record.project.indicators, start=1)
    ),
    (PROJECT_KEY,),
)

PLANS = Table(
    "plans",
    "资金支出计划",
    "每个项目四行：截至各季度末计划累计支出的比例及按预算数折算的金额。",
    (
        YEAR,
        PROJECT_CODE,
        Column("quarter_end", "string", "时点代码", lambda r: r.point.key, "mar、jun、oct、dec。", required=True),
        Column("label", "string", "时点", lambda r: r.point.label, required=True),
        Column("cumulative_percent", "number", "累计支出比例（%）", lambda r: r.point.percent, "原表为空时留空。"),
        Column(
            "cumulative_amount",
            "number",
            "累计支出金额",
            lambda r: r.project.planned_amount(r.point.percent),
            "预算数乘累计比例，四舍五入到分；比例为空时留空。",
            money=True,
        ),
    ),
    PROJECT_KEY + ("quarter_end",),
    lambda record: (
        Record(record.department, record.project, record.urls, point=point) for point in record.project.plan.points()
    ),
    (PROJECT_KEY,),
)


def _finding(record: Record) -> Finding:
    assert record.finding is not None
    return record.finding


def _finding_indicator_id(finding: Finding) -> str | None:
    return finding.indicator.id if finding.indicator is not None else None


FINDINGS = Table(
    "findings",
    "指标质量提示",
    "按本站的审核规则（见网站的“指标质量”页），每处提示一行：哪个项目、哪一格、哪条规则，以及表中所见。"
    "提示只说明表中写法与规则要求的差异，不是审计结论。",
    (
        YEAR,
        _key_column(Department, "code", _department),
        PROJECT_CODE,
        Column(
            "indicator_id",
            "string",
            "指标编号",
            lambda r: _finding_indicator_id(_finding(r)),
            "提示针对一行指标时为该行的编号，针对整个项目（如资金支出计划）时留空。",
        ),
        Column(
            "row_number",
            "integer",
            "行号",
            lambda r: _finding(r).row_number,
            "该行在项目指标表中的位置（从 1 起）；同上留空。",
        ),
        Column(
            "field",
            "string",
            "所在字段",
            lambda r: _finding(r).hit.field,
            "在项目 YAML 文件中的位置，如 indicators[3].value（列表从 0 起）、plan。",
            required=True,
        ),
        Column("rule_id", "string", "规则编号", lambda r: _finding(r).rule.id, required=True),
        Column("severity", "string", "程度", lambda r: _finding(r).rule.severity.value, "注意或提示。", required=True),
        Column("rule", "string", "规则", lambda r: _finding(r).rule.title, required=True),
        Column("detail", "string", "表中所见", lambda r: _finding(r).hit.detail, required=True),
        Column(
            "url", "string", "网页地址", lambda r: r.urls.finding_url(_finding(r)), "项目页面上该行指标或该部分的链接。"
        ),
    ),
    PROJECT_KEY + ("rule_id", "field"),
    lambda record: (
        Record(record.department, record.project, record.urls, finding=finding) for finding in record.findings
    ),
    (PROJECT_KEY,),
)

TABLES = (PROJECTS, INDICATORS, PLANS, FINDINGS)


def _code(project: Project | None) -> str | None:
    return project.code if project else None


CHANGES = Table(
    "changes",
    "与上年比较",
    "每个部门与其上一个公开年度相比，每个项目一行：延续、新增或终止，及预算数的增减；只有一个年度的部门没有行。"
    "只比较同一部门的两个年度：上年公开、本年尚未公开的部门没有本年的行，其项目不算终止；"
    "本表不含全县合计的增减，按年度加总时只含两年都已公开的部门。"
    "本年和上年两边各有年度、项目编码和预算数，没有的一边留空，两边分别对应项目表的一行。",
    (
        Column(
            "period",
            "string",
            "比较期间",
            lambda c: f"{c.previous_department.year}-{c.department.year}",
            "本部门上一个公开年度和本年度，如 2024-2025。",
            required=True,
        ),
        Column("department_code", "string", "单位编码", lambda c: c.department.code, required=True),
        Column(
            "change_type",
            "string",
            "变化",
            lambda c: c.status,
            "延续：上年也有（编码相同、上年项目编码指明或同名）；新增：上年没有；终止：上年有、本年没有。",
            required=True,
        ),
        Column(
            "matched_by",
            "string",
            "认定依据",
            lambda c: c.matched_by or None,
            "延续项目如何认定：code（编码相同）、continues（上年项目编码指明）、name（同名）。",
        ),
        Column(
            "project_name",
            "string",
            "项目名称",
            lambda c: c.name,
            "本年的名称；终止的项目为上年的名称。",
            required=True,
        ),
        Column("year", "integer", "本年年度", lambda c: c.department.year if c.project else None, "终止的项目留空。"),
        Column("project_code", "string", "本年项目编码", lambda c: _code(c.project), "终止的项目留空。"),
        Column("budget", "number", "本年预算数", lambda c: c.budget.after, "终止的项目留空。", money=True),
        Column(
            "previous_year",
            "integer",
            "上年年度",
            lambda c: c.previous_department.year if c.previous else None,
            "新增的项目留空。",
        ),
        Column("previous_project_code", "string", "上年项目编码", lambda c: _code(c.previous), "新增的项目留空。"),
        Column("previous_budget", "number", "上年预算数", lambda c: c.budget.before, "新增的项目留空。", money=True),
        Column("change", "number", "增减", lambda c: c.budget.amount, "本年减上年；新增、终止的项目留空。", money=True),
        Column(
            "change_percent",
            "number",
            "增减幅度（%）",
            lambda c: c.budget.percent,
            "增减占上年预算数的百分比，四舍五入到 0.01；上年为 0 或留空时留空。",
        ),
    ),
    (),  # no primary key: a new project has no last year's code, an ended one no code of this year
    lambda record: (),  # its rows come from the History, not from one project
    (("year", "project_code"), ("previous_year", "previous_project_code")),
)
#: Columns of long text, given a wide column in the XLSX.
WIDE_COLUMNS = {"purpose", "goal", "description", "detail"}

Row = tuple[Cell, ...]


@dataclass(frozen=True)
class TableChunk:
    """One project's rows of one table as CSV lines and as XLSX row XML.

    Made once per project and joined into its department's files and the site's:
    formatting every row again for each file was most of the downloads' time.
    """

    csv: str
    xlsx: tuple[str, ...]


def project_chunks(
    department: Department, project: Project, urls: SiteUrls, findings: tuple[Finding, ...]
) -> dict[str, TableChunk]:
    """The project's chunk of every table, by table name."""
    chunks = {}
    record = Record(department, project, urls, findings=findings)
    for table in TABLES:
        rows = table.rows(record)
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
    if isinstance(value, (int, date)):
        return str(value)  # a date as 2024-02-01
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
# Written by hand, not with XlsxWriter: that takes several times the CPU, writing every row again for each
# file holding it where this makes a project's row XML once (benchmarks/README.md, issue 13). Byte-identical
# by construction, and every text cell is an inline string, so no text can ever become a formula.

STYLE_HEADER, STYLE_AMOUNT, STYLE_WRAP, STYLE_DATE = 1, 2, 3, 4
#: Day 0 of Excel's date serial numbers as every spreadsheet reads them (1900 system, after its phantom 29 February).
EXCEL_EPOCH = date(1899, 12, 30)
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Characters XML 1.0 cannot hold; OOXML writes them as _xHHHH_ (ECMA-376 ST_Xstring).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")

STYLES = f"""{XML_HEAD}<styleSheet xmlns="{SHEET_NS}">
<numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0.00####"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
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
        style = f' s="{STYLE_AMOUNT}"' if column.money else ""
        text = f"{value:f}" if isinstance(value, Decimal) else str(value)
        return f'<c r="{ref}"{style}><v>{text}</v></c>'
    if isinstance(value, date) and not header:  # a date cell, shown as 2024-02-01 whatever the locale
        return f'<c r="{ref}" s="{STYLE_DATE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
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
        f'<col min="{i}" max="{i}" width="{36 if c.name in WIDE_COLUMNS else 14}" customWidth="1"/>'
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


def _json_value(value: object) -> object:
    """Amounts and percents as exact decimal strings, dates as 2024-02-01; everything else as it is."""
    if isinstance(value, date):
        return value.isoformat()
    return f"{value:f}" if isinstance(value, Decimal) else value


def model_document(item: object) -> dict[str, object]:
    """Every declared field of a model object by its YAML key, nested objects included."""
    document: dict[str, object] = {}
    for entry in fields_of(type(item)):
        value = getattr(item, entry.key)
        if entry.group is not None:
            document[entry.key] = model_document(value)
        elif entry.rows is not None:
            document[entry.key] = [model_document(row) for row in value]
        elif entry.spec.kind is Kind.TEXT_LIST:
            document[entry.key] = list(value)
        else:
            document[entry.key] = _json_value(value)
    return document


def project_document(department: Department, project: Project, urls: SiteUrls) -> dict[str, object]:
    """Every field of a project, where it is published, and its plan with the amounts it means."""
    document = {
        "year": department.year,
        "department": {"code": department.code, "name": department.name},
        "url": urls.public_url(urls.project(department, project)),
        "money_unit": department.money_unit,
        **model_document(project),
    }
    plan_columns = [c for c in PLANS.columns if c.name not in PROJECT_KEY]
    document["plan"] = [
        {c.name: _json_value(c.value(record)) for c in plan_columns}
        for record in PLANS.records(Record(department, project, urls))
    ]
    for row, indicator in zip(document["indicators"], project.indicators):
        row["url"] = urls.indicator_url(department, project, indicator)
    return document


def department_document(
    department: Department, urls: SiteUrls, projects: Sequence[dict[str, object]]
) -> dict[str, object]:
    """The department's fields and goals, and every project, given as its project_documents (made once)."""
    return {
        **model_document(department),
        "url": urls.public_url(urls.department(department)),
        "total": _json_value(department.total),
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
    content: bytes
    format: str  # "JSON", "CSV", "XLSX"
    description: str
    owner: tuple[object, ...]  # ("site",), ("department", year, code) or ("project", year, department code, code)

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Downloads:
    """Every download of the site, in the order the downloads page lists them."""

    files: tuple[Download, ...]
    tables: tuple[Table, ...] = (*TABLES, CHANGES)  # for the field list on the downloads page

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


def _table_files(
    path: Callable[[str], str],
    label: str,
    chunks: Sequence[dict[str, TableChunk]],
    owner: tuple[object, ...],
    changes: Sequence[Row] | None = None,
) -> list[Download]:
    """The CSV of every table and the XLSX of them all; the site's files add the changes table."""
    files = [
        Download(
            path(f"-{table.name}.csv"),
            csv_file(table, (chunk[table.name].csv for chunk in chunks)),
            "CSV",
            f"{label}：{table.title}表",
            owner,
        )
        for table in TABLES
    ]
    sheets: list[tuple[Table, Iterable[Sequence[str]]]] = [
        (table, [chunk[table.name].xlsx for chunk in chunks]) for table in TABLES
    ]
    if changes is not None:
        changes_csv = csv_file(CHANGES, [csv_lines(changes)])
        files.append(Download(path(f"-{CHANGES.name}.csv"), changes_csv, "CSV", f"{label}：{CHANGES.title}表", owner))
        sheets.append((CHANGES, [xlsx_rows(CHANGES, changes)]))
    titles = "、".join(table.title for table, _ in sheets)
    description = f"{label}：{titles}{_in_words(len(sheets))}张工作表"
    files.append(Download(path(".xlsx"), xlsx_file(sheets), "XLSX", description, owner))
    return files


def _in_words(count: int) -> str:
    """A small count as a description writes it: 五张工作表."""
    return "一二三四五六七八九"[count - 1]


def datapackage(
    site_name: str, files: Sequence[Download], urls: SiteUrls, tables: Sequence[Table]
) -> dict[str, object]:
    """A Frictionless Data Package (v2) describing the site-wide CSV tables."""
    by_path = {file.path: file for file in files}
    resources = []
    for table in tables:
        file = by_path[urls.site_file(f"-{table.name}.csv")]
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
        }
        if table.primary_key:
            schema["primaryKey"] = list(table.primary_key)
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": list(key), "reference": {"resource": "projects", "fields": list(PROJECT_KEY)}}
                for key in table.foreign_keys
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


def _form_files(department: Department, urls: SiteUrls, dated: datetime, owner: tuple[object, ...]) -> list[Download]:
    """The department's document in the official layout, as Word and Excel: to print, or to edit and import."""
    return [
        Download(
            urls.department_file(department, f"-form{extension}"),
            export(department, created=dated),
            extension[1:].upper(),
            f"{department.name}：绩效目标表原格式（{kind}），可打印",
            owner,
        )
        for extension, export, kind in ((".docx", department_docx, "Word"), (".xlsx", department_xlsx, "Excel"))
    ]


def findings_document(review: Review, urls: SiteUrls) -> dict[str, object]:
    """Every rule with its text and basis, then every finding: the report as data."""
    return {
        "rules": [
            {
                "id": rule.id,
                "severity": rule.severity.value,
                "title": rule.title,
                "description": rule.description,
                "basis": rule.basis,
            }
            for rule in RULES
        ],
        "findings": [
            {column.name: _json_value(column.value(record)) for column in FINDINGS.columns}
            for record in (
                Record(finding.department, finding.project, urls, finding=finding) for finding in review.findings
            )
        ],
    }


def build_downloads(history: History, review: Review, site_name: str, urls: SiteUrls, dated: datetime) -> Downloads:
    """Every download file of the catalog; the same catalog and date always give the same bytes.

    Each project's document and table rows are made once and reused by the files of
    its department and of the site.
    """
    catalog = history.catalog
    files: list[Download] = []
    department_documents: list[dict[str, object]] = []
    site_chunks: list[dict[str, TableChunk]] = []
    for department in catalog.departments:
        owner: tuple[object, ...] = ("department", department.year, department.code)
        projects = department.projects
        documents = [project_document(department, project, urls) for project in projects]
        chunks = [
            project_chunks(department, project, urls, review.of_project(department, project)) for project in projects
        ]
        department_documents.append(department_document(department, urls, documents))
        site_chunks.extend(chunks)
        files.append(
            Download(
                urls.department_file(department, ".json"),
                to_json(department_documents[-1]),
                "JSON",
                f"{department.name}：部门整体绩效目标和全部项目的全部字段",
                owner,
            )
        )
        files.extend(
            _table_files(lambda suffix, d=department: urls.department_file(d, suffix), department.name, chunks, owner)
        )
        files.extend(_form_files(department, urls, dated, owner))
        for project, document, chunk in zip(projects, documents, chunks):
            owner = ("project", department.year, department.code, project.code)
            files.append(
                Download(
                    urls.project_file(department, project, ".json"),
                    to_json(document),
                    "JSON",
                    f"{project.name}：全部字段",
                    owner,
                )
            )
            files.append(
                Download(
                    urls.project_file(department, project, ".csv"),
                    csv_file(INDICATORS, [chunk[INDICATORS.name].csv]),
                    "CSV",
                    f"{project.name}：绩效指标表",
                    owner,
                )
            )
    site: list[Download] = [
        Download(
            urls.site_file(".json"),
            to_json({"name": site_name, "departments": department_documents}),
            "JSON",
            "全部部门：部门整体绩效目标和全部项目的全部字段",
            ("site",),
        )
    ]
    changes = [tuple(column.value(change) for column in CHANGES.columns) for change in history.project_changes()]
    # With one year there is nothing to compare: no change table is offered, not even an empty one.
    tables = (*TABLES, CHANGES) if len(catalog.years) > 1 else TABLES
    site.extend(
        _table_files(urls.site_file, "全部部门", site_chunks, ("site",), changes if CHANGES in tables else None)
    )
    site.append(
        Download(
            urls.site_file("-findings.json"),
            to_json(findings_document(review, urls)),
            "JSON",
            "全部部门：指标质量的全部规则（要求和依据）和全部提示",
            ("site",),
        )
    )
    site.append(
        Download(
            urls.datapackage(),
            to_json(datapackage(site_name, site, urls, tables)),
            "JSON",
            f"数据包说明：上面{_in_words(len(tables))}个 CSV 表的字段类型、主键和外键，供数据工具读取和校验",
            ("site",),
        )
    )
    return Downloads(tuple(site + files), tables)
