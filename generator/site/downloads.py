"""The data downloads the site offers: which tables and documents, read from the model, and every file of them.

Plain functions from the validated Catalog to bytes, no MkDocs. The tables' columns
and the JSON documents' keys come from the model's declarations (`model.fields_of`):
a field declared with a column is in every file without a line here. The files are
written by `generator/formats/` (tables_csv, xlsx, json_file, datapackage), whose
docstrings say the choices readers of the files rely on (the README's 下载数据 section
says them too). Files are byte-identical from one build to the next: no clock, fixed
ZIP dates, insertion-ordered JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from generator.formats.datapackage import datapackage
from generator.formats.forms_cache import FormCache
from generator.formats.json_file import json_value, to_json, with_documents
from generator.formats.tables import Column, Row, Table
from generator.formats.tables_csv import csv_file, csv_lines
from generator.formats.xlsx import xlsx_file, xlsx_rows
from generator.schema.model import (
    Catalog,
    Department,
    FundsLine,
    Indicator,
    IndicatorResult,
    PlanPoint,
    Project,
    ProjectResult,
    SchemaField,
    field_of,
)
from generator.schema.walk import Shapes, walk
from generator.site.history import History
from generator.site.quality import RULES, Finding, Review, review_project
from generator.site.results import Outcome, RowOutcome, Status, outcome
from generator.site.urls import SiteUrls

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
    outcome: Outcome | None = None  # the project's 自评表 against its targets
    row: RowOutcome | None = None  # one indicator's target and result


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
            "在项目 YAML 文件中的位置，如 indicators[3].value（列表从 0 起）、plan；"
            "以 result. 开头的在项目的自评表文件（results/<项目编码>.yaml）中。",
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


def _outcome(record: Record) -> Outcome:
    assert record.outcome is not None
    return record.outcome


def _result_row(record: Record) -> RowOutcome:
    assert record.row is not None
    return record.row


def _names_column(key: str) -> Column:
    """一级, 二级 or 三级指标 of a result row: its target's names, or the 自评表's for a row only there."""
    label = field_of(Indicator, key).spec.label
    return Column(key, "string", label, lambda r: getattr(_result_row(r).names, key), required=True)


def _result_column(key: str) -> Column:
    """A cell of the 自评表's row as it states it; blank for a target the 自评表 leaves out."""
    field = field_of(IndicatorResult, key)
    spec = field.spec
    return Column(
        spec.column, spec.kind.schema_type, spec.label,
        lambda r: getattr(_result_row(r).result, key) if _result_row(r).result is not None else None,
        f"{spec.description}自评表中没有这一指标时留空。",
    )  # fmt: skip


def _funds_column(key: str, name: str, description: str = "") -> Column:
    """A cell of the 自评表's 年度资金总额 row, as it states it."""
    spec = field_of(FundsLine, key).spec
    return Column(
        name, spec.kind.schema_type, f"{spec.label}（年度资金总额）",
        lambda r: getattr(_outcome(r).result.funds.total, key), description, money=spec.unit == "money",
    )  # fmt: skip


def _status_count(status: Status) -> Column:
    return Column(
        f"indicators_{status.slug}", "integer", f"{status.words}的指标数", lambda r: _outcome(r).count(status),
        "本站按指标值和实际完成值判断，规则见 README。", required=True,
    )  # fmt: skip


def _result_scalar(key: str, name: str) -> Column:
    spec = field_of(ProjectResult, key).spec
    return Column(name, spec.kind.schema_type, spec.label, lambda r: getattr(_outcome(r).result, key), spec.description)


PROJECT_RESULTS = Table(
    "project_results",
    "项目自评",
    "每个已公开自评表的项目一行：全年预算数、执行数、执行率、自评得分和等级，及本站判断的指标完成情况；"
    "自评表尚未公开的项目没有行。",
    (
        YEAR,
        PROJECT_CODE,
        _result_scalar("published", "result_published"),
        _funds_column("initial", "initial_budget", "精确小数；原表为空时留空。"),
        _funds_column("budget", "annual_budget", "精确小数；原表为空时留空。"),
        _funds_column("executed", "executed", "精确小数；原表为空时留空。"),
        _funds_column("rate", "execution_rate_stated", "自评表所写的执行率（%），原样保留。"),
        Column(
            "execution_rate",
            "number",
            "执行率（%）",
            lambda r: _outcome(r).rate,
            "本站按全年执行数 ÷ 全年预算数计算，四舍五入到 0.01；缺一项时留空。",
        ),
        _funds_column("weight", "funds_weight", "预算执行率的分值。"),
        _funds_column("score", "funds_score", "预算执行率的得分。"),
        _result_scalar("total_weight", "total_weight"),
        _result_scalar("total_score", "total_score"),
        _result_scalar("grade", "grade"),
        *(_status_count(status) for status in Status),
        Column("url", "string", "网页地址", lambda r: f"{_page(r)}#result", "项目页面上绩效自评部分的链接。"),
    ),
    PROJECT_KEY,
    lambda record: (record,) if record.outcome is not None else (),
    (PROJECT_KEY,),
)

RESULTS = Table(
    "results",
    "指标完成情况",
    "每个已公开自评表的项目，每个绩效指标一行：公开的指标值与自评表的实际完成值并列，本站判断的完成情况及理由，"
    "自评表的分值、得分和偏差原因。按指标名称对照，绩效目标表有、自评表没有的指标和只见于自评表的指标也各占一行。",
    (
        YEAR,
        PROJECT_CODE,
        Column(
            "indicator_id",
            "string",
            "指标编号",
            lambda r: _result_row(r).anchor_id,
            "绩效目标表中该行的编号；只见于自评表的指标留空。",
        ),
        Column(
            "row_number",
            "integer",
            "行号",
            lambda r: r.number,
            "在项目自评表格中的位置（从 1 起）：先是绩效目标表的各行，再是只见于自评表的行。",
            required=True,
        ),
        *(_names_column(key) for key in ("level1", "level2", "level3")),
        Column(
            "target",
            "string",
            field_of(Indicator, "value").spec.label,
            lambda r: _result_row(r).target.value if _result_row(r).target else None,
            "绩效目标表公开的指标值，原样保留；只见于自评表的指标留空。",
        ),
        _result_column("target"),
        _result_column("actual"),
        Column(
            "status",
            "string",
            "完成情况",
            lambda r: _result_row(r).status.words,
            "达成、未达成或无法判断。",
            required=True,
        ),
        Column(
            "status_reason",
            "string",
            "判断理由",
            lambda r: _result_row(r).judgement.why,
            "本站如何得出完成情况，如“实际 88%，指标值 ≥90%”。",
            required=True,
        ),
        _result_column("weight"),
        _result_column("score"),
        _result_column("reason"),
        Column(
            "url",
            "string",
            "网页地址",
            lambda r: (
                f"{_page(r)}#{r.urls.result_anchor(r.project, _result_row(r).anchor_id, _result_row(r).position)}"
            ),
            "项目页面上这一行完成情况的链接。",
        ),
    ),
    PROJECT_KEY + ("row_number",),
    lambda record: (
        Record(record.department, record.project, record.urls, row.position, outcome=record.outcome, row=row)
        for row in (record.outcome.rows if record.outcome is not None else ())
    ),
    (PROJECT_KEY,),
)

TARGET_TABLES = (PROJECTS, INDICATORS, PLANS, FINDINGS)
#: Offered once any 自评表 is published (a department's files: once any of its own is): no empty table before.
RESULT_TABLES = (PROJECT_RESULTS, RESULTS)
TABLES = TARGET_TABLES + RESULT_TABLES


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
    record = Record(department, project, urls, findings=findings, outcome=outcome(project, department.year))
    for table in TABLES:
        rows = table.rows(record)
        chunks[table.name] = TableChunk(csv_lines(rows), tuple(xlsx_rows(table, rows)))
    return chunks


def model_document(item: object) -> dict[str, object]:
    """Every declared field of a model object by its YAML key, nested objects included."""

    def value(field: SchemaField) -> object:
        return getattr(item, field.key)

    shapes = Shapes(
        group=lambda field: model_document(value(field)),
        rows=lambda field: [model_document(row) for row in value(field)],
        text_list=lambda field: list(value(field)),
        scalar=lambda field: json_value(value(field)),
    )
    return {field.key: made for field, made in walk(type(item), shapes)}


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
        {c.name: json_value(c.value(record)) for c in plan_columns}
        for record in PLANS.records(Record(department, project, urls))
    ]
    for row, indicator in zip(document["indicators"], project.indicators):
        row["url"] = urls.indicator_url(department, project, indicator)
    document["result"] = _result_document(department, project, urls)
    return document


def _result_document(department: Department, project: Project, urls: SiteUrls) -> dict[str, object] | None:
    """The project's 自评表 as stated, with the site's reading of it: its rows as the results table has them."""
    found = outcome(project, department.year)
    if found is None:
        return None
    record = Record(department, project, urls, outcome=found)
    summary = [c for c in PROJECT_RESULTS.columns if c.name not in PROJECT_KEY]
    rows = [c for c in RESULTS.columns if c.name not in PROJECT_KEY]
    return {
        **model_document(found.result),
        **{
            c.name: json_value(c.value(record)) for c in summary if c.name.startswith(("execution_rate", "indicators_"))
        },
        "url": json_value(next(c for c in summary if c.name == "url").value(record)),
        "rows": [{c.name: json_value(c.value(row)) for c in rows} for row in RESULTS.records(record)],
    }


def department_document(
    department: Department, urls: SiteUrls, projects: Sequence[dict[str, object]]
) -> dict[str, object]:
    """The department's fields and goals, and every project, given as its project_documents (made once)."""
    return {
        **model_document(department),
        "url": urls.public_url(urls.department(department)),
        "total": json_value(department.total),
        "projects": list(projects),
    }


# --- The files -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """One file of the downloads: where it is served, its bytes, and a line saying what it holds.

    A file is listed before it is made (`listed_downloads`): the pages that link to it are
    written meanwhile, and its size goes into them once it is made (render.size_mark).
    """

    path: str  # relative to the site root: "downloads/2024/203001/203001.xlsx"
    content: bytes | None  # None: listed, not yet made
    format: str  # "JSON", "CSV", "XLSX"
    description: str
    owner: tuple[object, ...]  # ("site",), ("department", year, code) or ("project", year, department code, code)

    @property
    def made(self) -> bytes:
        if self.content is None:
            raise ValueError(f"{self.path} is listed, not yet made")
        return self.content

    @property
    def size(self) -> int:
        return len(self.made)

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
    chunks: Sequence[dict[str, TableChunk]] | None,
    owner: tuple[object, ...],
    tables: Sequence[Table],
    changes: Sequence[Row] | None = None,
) -> list[Download]:
    """The CSV of each of `tables` and the XLSX of them all; the site's files add the changes table.

    Without `chunks` (the projects' rows) the files are listed, not made.
    """
    files = [
        Download(
            path(f"-{table.name}.csv"),
            None if chunks is None else csv_file(table, (chunk[table.name].csv for chunk in chunks)),
            "CSV",
            f"{label}：{table.title}表",
            owner,
        )
        for table in tables
    ]
    sheets: list[tuple[Table, Iterable[Sequence[str]]]] = [
        (table, [chunk[table.name].xlsx for chunk in chunks or ()]) for table in tables
    ]
    if changes is not None:
        changes_csv = None if chunks is None else csv_file(CHANGES, [csv_lines(changes)])
        files.append(Download(path(f"-{CHANGES.name}.csv"), changes_csv, "CSV", f"{label}：{CHANGES.title}表", owner))
        sheets.append((CHANGES, [xlsx_rows(CHANGES, changes)]))
    titles = "、".join(table.title for table, _ in sheets)
    description = f"{label}：{titles}{_in_words(len(sheets))}张工作表"
    files.append(Download(path(".xlsx"), None if chunks is None else xlsx_file(sheets), "XLSX", description, owner))
    return files


def _in_words(count: int) -> str:
    """A small count as a description writes it: 五张工作表."""
    return "一二三四五六七八九"[count - 1]


def _csv_files(files: Sequence[Download], urls: SiteUrls, tables: Sequence[Table]) -> list[tuple[Table, str, bytes]]:
    """Each table with its site-wide CSV file's name and bytes, for the data package."""
    by_path = {file.path: file for file in files}
    csv_files = [(table, by_path[urls.site_file(f"-{table.name}.csv")]) for table in tables]
    return [(table, file.name, file.made) for table, file in csv_files]


def _form_files(
    department: Department, urls: SiteUrls, owner: tuple[object, ...], forms: tuple[bytes, bytes] | None
) -> list[Download]:
    """The department's document in the official layout, as Word and Excel: to print, or to edit and import."""
    return [
        Download(
            urls.department_file(department, f"-form{extension}"),
            None if forms is None else forms[index],
            extension[1:].upper(),
            f"{department.name}：绩效目标表原格式（{kind}），可打印",
            owner,
        )
        for index, (extension, kind) in enumerate(((".docx", "Word"), (".xlsx", "Excel")))
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
            {column.name: json_value(column.value(record)) for column in FINDINGS.columns}
            for record in (
                Record(finding.department, finding.project, urls, finding=finding) for finding in review.findings
            )
        ],
    }


@dataclass(frozen=True)
class DepartmentDownloads:
    """One department's own files, and what the site's files take from it: its document and its projects' rows.

    Made from the department alone, so that a cluster's worker can make it from the
    department sent to it (generator/site/parts.py); the same department gives the same bytes anywhere.
    """

    files: tuple[Download, ...]
    document: bytes  # the department's JSON file (department_document), which the site's JSON holds as it is
    chunks: tuple[dict[str, TableChunk], ...]  # each project's rows, for the site's tables


def department_downloads(
    department: Department,
    urls: SiteUrls,
    dated: datetime,
    cache: FormCache,
    findings: Callable[[Department, Project], tuple[Finding, ...]] = review_project,
) -> DepartmentDownloads:
    """The department's JSON, tables and forms, and each of its projects' JSON and indicator table.

    Each project's document and table rows are made once and reused by the files of its
    department and of the site; the forms come from `cache` when kept there.
    """
    documents = [project_document(department, project, urls) for project in department.projects]
    chunks = [
        project_chunks(department, project, urls, findings(department, project)) for project in department.projects
    ]
    document = to_json(department_document(department, urls, documents))
    made = _Made(document, documents, chunks, cache.forms(department, dated))
    return DepartmentDownloads(tuple(_department_files(department, urls, made)), document, tuple(chunks))


@dataclass(frozen=True)
class _Made:
    """What a department's files are made of: its document, its projects' documents and rows, its forms."""

    document: bytes
    projects: Sequence[dict[str, object]]
    chunks: Sequence[dict[str, TableChunk]]
    forms: tuple[bytes, bytes]


def _department_files(department: Department, urls: SiteUrls, made: _Made | None) -> list[Download]:
    """The department's files in the order its page lists them, their bytes from `made` (None: listed only)."""
    owner: tuple[object, ...] = ("department", department.year, department.code)
    files = [
        Download(
            urls.department_file(department, ".json"),
            None if made is None else made.document,
            "JSON",
            f"{department.name}：部门整体绩效目标和全部项目的全部字段",
            owner,
        )
    ]
    evaluated = any(project.result is not None for project in department.projects)
    files.extend(
        _table_files(
            lambda suffix: urls.department_file(department, suffix), department.name, made and made.chunks, owner,
            TABLES if evaluated else TARGET_TABLES,
        )
    )  # fmt: skip
    files.extend(_form_files(department, urls, owner, made and made.forms))
    for index, project in enumerate(department.projects):
        owner = ("project", department.year, department.code, project.code)
        files.append(
            Download(
                urls.project_file(department, project, ".json"),
                None if made is None else to_json(made.projects[index]),
                "JSON",
                f"{project.name}：全部字段",
                owner,
            )
        )
        files.append(
            Download(
                urls.project_file(department, project, ".csv"),
                None if made is None else csv_file(INDICATORS, [made.chunks[index][INDICATORS.name].csv]),
                "CSV",
                f"{project.name}：绩效指标表",
                owner,
            )
        )
    return files


@dataclass(frozen=True)
class SiteFacts:
    """What the site's own files take from the whole catalog besides each department's files.

    Small, so that a cluster's worker can make the site's files from it and the departments'
    parts it already holds (generator/site/parts.py), never the catalog.
    """

    years: tuple[int, ...]
    evaluated: bool  # some project has its 自评表: the results tables are offered
    changes: tuple[Row, ...]  # each project's change from the year before, when there is more than one year
    findings: bytes  # the quality report as data (findings_document)


def site_facts(history: History, review: Review, urls: SiteUrls) -> SiteFacts:
    catalog = history.catalog
    return SiteFacts(
        tuple(catalog.years),
        any(project.result is not None for _, project in catalog.projects),
        tuple(tuple(column.value(change) for column in CHANGES.columns) for change in history.project_changes()),
        to_json(findings_document(review, urls)),
    )


def listed_downloads(facts: SiteFacts, catalog: Catalog, site_name: str, urls: SiteUrls) -> Downloads:
    """Every download file, listed in the order `build_downloads` makes them, none made: what the pages link to."""
    departments = [_department_files(department, urls, None) for department in catalog.departments]
    return _every(facts, _site_files(facts, site_name, urls, None), departments)


def build_downloads(
    history: History, review: Review, site_name: str, urls: SiteUrls, dated: datetime, cache: FormCache | None = None
) -> Downloads:
    """Every download file of the catalog, made in this process; the same catalog and date always give the same bytes."""
    cache = cache or FormCache(None)
    departments = [department_downloads(d, urls, dated, cache, review.of_project) for d in history.catalog.departments]
    facts = site_facts(history, review, urls)
    files = site_files(facts, site_name, urls, departments)
    return _every(facts, files, [department.files for department in departments])


def _every(facts: SiteFacts, site: Sequence[Download], departments: Sequence[Sequence[Download]]) -> Downloads:
    """The site's own files, then each department's."""
    return Downloads((*site, *(file for files in departments for file in files)), _tables(facts))


def site_files(
    facts: SiteFacts, site_name: str, urls: SiteUrls, departments: Sequence[DepartmentDownloads]
) -> tuple[Download, ...]:
    """The site's own files, made from each department's document and rows (`departments`, in the catalog's order)."""
    made = _SiteMade(
        [department.document for department in departments],
        [chunk for department in departments for chunk in department.chunks],
    )
    return _site_files(facts, site_name, urls, made)


@dataclass(frozen=True)
class _SiteMade:
    """What the site's own files are made of: every department's document and every project's rows."""

    departments: Sequence[bytes]
    chunks: Sequence[dict[str, TableChunk]]


def _offered(facts: SiteFacts) -> tuple[Table, ...]:
    """The tables of the projects: before any 自评表 there is nothing to report on, and no results
    tables are offered, not even empty ones."""
    return TABLES if facts.evaluated else TARGET_TABLES


def _tables(facts: SiteFacts) -> tuple[Table, ...]:
    """Every table of the site's: with one year there is nothing to compare, and no change table."""
    return (*_offered(facts), CHANGES) if len(facts.years) > 1 else _offered(facts)


def _site_files(facts: SiteFacts, site_name: str, urls: SiteUrls, made: _SiteMade | None) -> tuple[Download, ...]:
    """The site's own files, their bytes from `made` (None: listed only)."""
    site: list[Download] = [
        Download(
            urls.site_file(".json"),
            None if made is None else with_documents({"name": site_name}, "departments", made.departments),
            "JSON",
            "全部部门：部门整体绩效目标和全部项目的全部字段",
            ("site",),
        )
    ]
    tables = _tables(facts)
    changes = (facts.changes if made else ()) if CHANGES in tables else None
    site.extend(_table_files(urls.site_file, "全部部门", made and made.chunks, ("site",), _offered(facts), changes))
    site.append(
        Download(urls.site_file("-findings.json"), None if made is None else facts.findings, "JSON",
                 "全部部门：指标质量的全部规则（要求和依据）和全部提示", ("site",))
    )  # fmt: skip
    site.append(
        Download(
            urls.datapackage(),
            None if made is None else to_json(datapackage(site_name, _csv_files(site, urls, tables), PROJECT_KEY)),
            "JSON",
            f"数据包说明：上面{_in_words(len(tables))}个 CSV 表的字段类型、主键和外键，供数据工具读取和校验",
            ("site",),
        )
    )
    return tuple(site)
