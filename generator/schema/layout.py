"""The official layout of a department's 预算绩效目标 document, beyond the fields' own labels.

The fields' labels (项目编码, 预算数 …) are declared in `model.py`; these are the words
that structure the document around them: its two parts, the goal sections' ordinals,
the project tables' titles, and the form's rows that hold no field of their own. The
readers find a document's parts by them and the exporter writes them, so a document
written by `export` reads back as the same department.
"""

from __future__ import annotations

import re

#: The document's title, which names its year: 2024年……预算绩效目标.
DOCUMENT_TITLE = "{year}年{name}预算绩效目标"
DOCUMENT_TITLE_PATTERN = re.compile(r"^\s*(20\d\d)年.*绩效目标\s*$")

PART_ONE = "第一部分"
PART_ONE_TITLE = "部门整体绩效目标"
PART_TWO = "第二部分"
PART_TWO_TITLE = "预算项目绩效目标"

#: Part one's headings number its three goal sections: 一、总体绩效目标.
SECTION_NUMBERS = "一二三"
SECTION_HEADING = "{number}、{label}"

#: Each project's table is titled with its number and name: 1.村干部基础职务补贴绩效目标表.
PROJECT_TITLE = "{number}.{name}绩效目标表"
PROJECT_TITLE_PATTERN = re.compile(r"^(\d+)[.．、]\s*(.+?)\s*绩效目标表\s*$")

#: The first row of a project's table: the unit's code and name in one cell, then its money unit.
MONEY_UNIT = "单位：{unit}"
MONEY_UNIT_PATTERN = re.compile(r"^单位\s*[:：]\s*(\S+)$")
UNIT_PATTERN = re.compile(r"^(\d+)\s*(\S.*)$")

#: Rows whose first cell names a group of fields: the budget with its purpose in the row
#: below, and the spending plan with its percentages in the row below.
BUDGET_ROW = "预算规模及资金用途"
PLAN_ROW = "资金支出计划（%）"

#: The 自评表's title, which may name its year: 项目支出绩效自评表（2024年度）.
RESULTS_TITLE = "项目支出绩效自评表"
RESULTS_YEAR = "（{year}年度）"
RESULTS_TITLE_PATTERN = re.compile(
    r"^\s*(?:\d+[.．、]\s*)?.*项目支出绩效自评表\s*(?:[（(]\s*(20\d\d)\s*年度?\s*[)）])?\s*$"
)
RESULTS_YEAR_PATTERN = re.compile(r"^\s*[（(]\s*(20\d\d)\s*年度?\s*[)）]\s*$")
#: The 自评表's rows that hold no field of their own: the funds block's first cell, the
#: goal's row, the indicator table's first cell (merged down its rows) and the grand total.
FUNDS_ROW = "项目资金（万元）"
GOAL_ROW = "年度总体目标"
INDICATORS_ROW = "绩效指标"
TOTAL_ROW = "总分"
TOTAL_ROW_ALIASES = ("总分", "合计", "总计", "总得分")
