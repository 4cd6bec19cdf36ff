"""Turn the text export of a 部门预算绩效目标 document into `content/` YAML.

The export (Word saved as plain text) writes each table cell on a line of its
own that starts with a tab; an empty line ends a table row; a line without a
tab continues the cell above (a line break inside the cell). Part one holds the
department's goals as numbered paragraphs, part two one table per project.
Cell text is kept verbatim; only Word's `[bookmark: …]` markers are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from generator.load import DEPARTMENT_FILE
from generator.validate import level2_slug

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
PROJECT_TITLE = re.compile(r"^(\d+)[.．、](.+)绩效目标表\s*$")
SECTION_HEADINGS = {
    "一、总体绩效目标": "overall",
    "二、分项绩效目标": "itemized",
    "三、工作保障措施": "safeguards",
}
NUMBERED_ITEM = re.compile(r"^\d+[、.．]")
PART_TWO = "第二部分"
UNIT_LINE = re.compile(r"^(\d+)(\S.*)$")
MONEY_UNIT = re.compile(r"^单位[:：]\s*(\S+)$")
INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
INDICATOR_KEYS = ["level1", "level2", "level3", "description", "value", "basis"]


class SeedFormatError(Exception):
    """The text does not have the shape of a standard 绩效目标表 export."""

    def __init__(self, source: Path, line: int | None, message: str) -> None:
        location = f"{source}:{line}" if line else str(source)
        super().__init__(f"{location}: {message}")


@dataclass
class Row:
    """One table row of the export: its cells and the line it starts on."""

    line: int
    cells: list[str] = field(default_factory=list)


@dataclass
class ImportedProject:
    number: int
    line: int
    data: dict


@dataclass
class ImportedDepartment:
    year: int
    code: str
    data: dict
    projects: list[ImportedProject]


def _clean(text: str) -> str:
    return BOOKMARK.sub("", text)


def _squash(label: str) -> str:
    """Labels are matched without their spaces: the form writes 财政    资金."""
    return re.sub(r"\s+", "", label)


def _blank(cell: str) -> bool:
    return not cell.strip()


def parse_rows(lines: list[tuple[int, str]]) -> list[Row]:
    """Group tab-led cell lines into rows; an empty or space-only line ends a row."""
    rows: list[Row] = []
    current: Row | None = None
    for number, raw in lines:
        if raw.startswith("\t"):
            if current is None:
                current = Row(number)
                rows.append(current)
            current.cells.append(_clean(raw[1:]))
        elif raw.strip() and current is not None and current.cells:
            current.cells[-1] += "\n" + _clean(raw)
        else:
            current = None
    return rows


def _goal_sections(lines: list[tuple[int, str]], source: Path) -> dict:
    sections: dict[str, dict] = {}
    current: dict | None = None
    for number, raw in lines:
        text = _clean(raw)
        if text.strip() == PART_TWO:
            break
        heading = SECTION_HEADINGS.get(text.strip())
        if heading:
            current = sections[heading] = {"intro": None, "items": []}
            continue
        if current is None or not text.strip():
            continue
        if NUMBERED_ITEM.match(text):
            current["items"].append(text)
        elif current["items"]:
            current["items"][-1] += "\n" + text
        else:
            current["intro"] = text if current["intro"] is None else current["intro"] + "\n" + text
    missing = [title for title, key in SECTION_HEADINGS.items() if key not in sections]
    if missing:
        raise SeedFormatError(source, None, f"找不到第一部分的标题：{'、'.join(missing)}")
    return {key: _without_empty_intro(sections[key]) for key in SECTION_HEADINGS.values()}


def _without_empty_intro(section: dict) -> dict:
    return {"intro": section["intro"], "items": section["items"]} if section["intro"] else {"items": section["items"]}


def _find_row(rows: list[Row], label: str, source: Path, title_line: int) -> int:
    for index, row in enumerate(rows):
        if row.cells and _squash(row.cells[0]) == label:
            return index
    raise SeedFormatError(source, title_line, f"项目表缺少“{label}”一行")


def _cell_after(row: Row, label: str, source: Path) -> str:
    squashed = [_squash(cell) for cell in row.cells]
    if label not in squashed or squashed.index(label) + 1 >= len(row.cells):
        raise SeedFormatError(source, row.line, f"找不到“{label}”后面的单元格")
    return row.cells[squashed.index(label) + 1]


def _amount(cell: str, row: Row, label: str, source: Path) -> Decimal | None:
    if _blank(cell):
        return None
    text = cell.strip().replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        raise SeedFormatError(source, row.line, f"“{label}”的值“{cell}”不是金额")
    return Decimal(text)


def _percent(cell: str, row: Row, source: Path) -> Decimal | None:
    if _blank(cell):
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", cell)
    if not match:
        raise SeedFormatError(source, row.line, f"资金支出计划的值“{cell}”不是百分数")
    return Decimal(match.group(1))


def _project(number: int, title_line: int, rows: list[Row], source: Path) -> dict:
    codes = rows[_find_row(rows, "项目编码", source, title_line)]
    budget_index = _find_row(rows, "预算规模及资金用途", source, title_line)
    budget_row = rows[budget_index]
    purpose_row = rows[budget_index + 1]
    plan_index = _find_row(rows, "资金支出计划（%）", source, title_line)
    plan_header, plan_values = rows[plan_index], rows[plan_index + 1]
    goal_row = rows[_find_row(rows, "绩效目标", source, title_line)]
    header_index = _find_row(rows, "一级指标", source, title_line)
    if [_squash(cell) for cell in rows[header_index].cells] != INDICATOR_HEADER:
        raise SeedFormatError(source, rows[header_index].line, "指标表的表头不是标准的六列")

    plan = {}
    for key, label in (("mar", "3月底"), ("jun", "6月底"), ("oct", "10月底"), ("dec", "12月底")):
        column = [_squash(cell) for cell in plan_header.cells].index(label)
        plan[key] = _percent(plan_values.cells[column], plan_values, source)

    indicators = []
    level1 = ""
    per_level2: Counter[str] = Counter()
    for row in rows[header_index + 1 :]:
        if len(row.cells) != len(INDICATOR_KEYS):
            raise SeedFormatError(source, row.line, f"指标行应有 6 个单元格，实际为 {len(row.cells)} 个")
        cells = dict(zip(INDICATOR_KEYS, row.cells))
        # 一级指标 is a merged cell on the form: blank rows belong to the one above.
        level1 = cells["level1"] if not _blank(cells["level1"]) else level1
        cells["level1"] = level1
        slug = level2_slug(cells["level2"])
        per_level2[slug] += 1
        indicators.append({"id": f"{slug}-{per_level2[slug]}", **cells})

    return {
        "code": _cell_after(codes, "项目编码", source),
        "name": _cell_after(codes, "项目名称", source),
        "number": number,
        "budget": {
            "total": _amount(_cell_after(budget_row, "预算数", source), budget_row, "预算数", source),
            "fiscal": _amount(_cell_after(budget_row, "其中：财政资金", source), budget_row, "财政资金", source),
            "other": _amount(_cell_after(budget_row, "其他资金", source), budget_row, "其他资金", source),
        },
        "purpose": purpose_row.cells[-1],
        "plan": plan,
        "goal": _cell_after(goal_row, "绩效目标", source),
        "indicators": indicators,
    }


def _infer_year(text: str, source: Path) -> int:
    years = Counter(re.findall(r"(20\d\d)年", text))
    if not years:
        raise SeedFormatError(source, None, "无法从文本推断年度，请用 --year 指定")
    return int(years.most_common(1)[0][0])


def parse_seed(source: Path, year: int | None = None) -> ImportedDepartment:
    """Parse one department's export into YAML-ready dictionaries."""
    text = source.read_text(encoding="utf-8-sig")
    lines = list(enumerate(text.splitlines(), start=1))
    goals = _goal_sections(lines, source)

    titles = [(n, PROJECT_TITLE.match(_clean(raw).strip())) for n, raw in lines]
    starts = [(n, match) for n, match in titles if match]
    if not starts:
        raise SeedFormatError(source, None, "找不到任何“……绩效目标表”标题")
    projects = []
    unit: tuple[str, str] | None = None
    money_unit = None
    for index, (line, match) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(lines)
        rows = parse_rows(lines[line:end])
        if not rows:
            raise SeedFormatError(source, line, "标题后面没有表格")
        unit_match = UNIT_LINE.match(rows[0].cells[0].strip())
        money_match = MONEY_UNIT.match(rows[0].cells[-1].strip())
        if not unit_match or not money_match:
            raise SeedFormatError(source, rows[0].line, "表格第一行应为“单位编码单位名称”和“单位：万元”")
        if unit is None:
            unit, money_unit = (unit_match.group(1), unit_match.group(2)), money_match.group(1)
        elif unit != (unit_match.group(1), unit_match.group(2)):
            raise SeedFormatError(source, rows[0].line, "一个文件中出现了两个预算单位")
        number = int(match.group(1))
        projects.append(ImportedProject(number, line, _project(number, line, rows, source)))

    assert unit is not None
    year = year or _infer_year(text, source)
    department = {
        "year": year,
        "code": unit[0],
        "name": unit[1],
        "money_unit": money_unit,
        "goals": goals,
    }
    return ImportedDepartment(year, unit[0], department, projects)


def _scalar(value: object) -> str:
    """One YAML scalar, quoted only where YAML would misread it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if "\n" in text and not text.endswith("\n") and not any(line != line.strip() for line in text.split("\n")):
        return text  # written as a literal block by the caller
    dumped = yaml.safe_dump(text, allow_unicode=True, default_flow_style=True, width=10_000)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def _emit(key: str, value: object, indent: str, comment: str = "") -> str:
    suffix = f"  # {comment}" if comment else ""
    if isinstance(value, str) and "\n" in value and _scalar(value) == value:
        body = "".join(f"{indent}  {line}\n" for line in value.split("\n"))
        return f"{indent}{key}: |-{suffix}\n{body}"
    text = _scalar(value)
    return f"{indent}{key}:{' ' + text if text else ''}{suffix}\n"


PROJECT_HEADER = """\
# 项目支出绩效目标表：{name}
# 由 `python -m generator import` 从原始文件导入，可直接修改。
# 金额单位为部门文件中的 money_unit；留空表示原表该格为空。
"""

FIELD_LABELS = {
    "code": "项目编码",
    "name": "项目名称",
    "number": "在部门文件中的序号",
    "purpose": "资金用途",
    "goal": "绩效目标",
    "total": "预算数",
    "fiscal": "其中：财政资金",
    "other": "其他资金",
    "mar": "3月底累计支出（%）",
    "jun": "6月底累计支出（%）",
    "oct": "10月底累计支出（%）",
    "dec": "12月底累计支出（%）",
}


def project_yaml(project: dict) -> str:
    """The YAML text of one project, in the order and with the labels of the official form."""
    out = [PROJECT_HEADER.format(name=project["name"].replace("\n", " "))]
    for key in ("code", "name", "number"):
        out.append(_emit(key, project[key], "", FIELD_LABELS[key]))
    out.append("budget:  # 预算规模\n")
    for key, value in project["budget"].items():
        out.append(_emit(key, value, "  ", FIELD_LABELS[key]))
    out.append(_emit("purpose", project["purpose"], "", FIELD_LABELS["purpose"]))
    out.append("plan:  # 资金支出计划（累计 %）\n")
    for key, value in project["plan"].items():
        out.append(_emit(key, value, "  ", FIELD_LABELS[key]))
    out.append(_emit("goal", project["goal"], "", FIELD_LABELS["goal"]))
    out.append("indicators:  # 绩效指标：一级、二级、三级指标，绩效指标描述，指标值，指标值确定依据\n")
    for row in project["indicators"]:
        first = True
        for key in ("id", *INDICATOR_KEYS):
            line = _emit(key, row[key], "    ")
            out.append("  - " + line[4:] if first else line)
            first = False
    return "".join(out)


def department_yaml(department: dict) -> str:
    """The YAML text of a department file: identity, money unit and its three goal sections."""
    out = [
        f"# 部门整体绩效目标：{department['name']}\n",
        "# 由 `python -m generator import` 从原始文件导入，可直接修改。\n",
        _emit("year", department["year"], "", "年度"),
        _emit("code", department["code"], "", "单位编码"),
        _emit("name", department["name"], "", "单位名称"),
        _emit("money_unit", department["money_unit"], "", "金额单位"),
        "goals:\n",
    ]
    labels = {"overall": "总体绩效目标", "itemized": "分项绩效目标", "safeguards": "工作保障措施"}
    for key, section in department["goals"].items():
        out.append(f"  {key}:  # {labels[key]}\n")
        if section.get("intro"):
            out.append(_emit("intro", section["intro"], "    "))
        out.append("    items:\n")
        for item in section["items"]:
            out.append("      - " + _emit("x", item, "      ")[len("      x: ") :])
    return "".join(out)


def write_content(department: ImportedDepartment, out_dir: Path) -> list[Path]:
    """Write the department file and one file per project under out_dir/<year>/<code>/."""
    folder = out_dir / str(department.year) / department.code
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / DEPARTMENT_FILE]
    written[0].write_text(department_yaml(department.data), encoding="utf-8")
    for project in department.projects:
        path = folder / f"{project.data['code']}.yaml"
        path.write_text(project_yaml(project.data), encoding="utf-8")
        written.append(path)
    return written
