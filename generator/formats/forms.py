"""Write a department back out in the official layout of its document, as Word and as Excel.

Staff print these, or edit them and import them again; each department page offers
them. The layout is the one the readers read (`layout.py` and the model's labels), so
importing an exported file gives back the same content. Both formats are written from
one description of each table (`_form_table`, `_indicator_table`): rows of cells that
span grid columns, and cells that continue the cell above, as Word and Excel store a
merged form: the budget's and the plan's group labels merged down two rows, 一级指标
merged down its rows. The same department and date always give the same bytes: zip
entries carry a fixed date and the document properties the given one.
"""

from __future__ import annotations

import functools
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from xml.sax.saxutils import escape as xml_escape

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.shared import Mm
from docx.table import Table as WordTable

from generator.formats.xlsx import Properties, Sheet, Style, Styles, workbook
from generator.formats.zips import zip_entry
from generator.schema import layout
from generator.schema.model import Budget, Department, Goals, Indicator, Project, field_of, fields_of, optional_fields

FORM_COLUMNS = 7  # the form's grid: a label column and six
INDICATOR_FIELDS = tuple(f for f in fields_of(Indicator) if f.key != "id")
#: Columns of a project's sheet, in Excel's character widths: the label column holds 预算规模及资金用途.
SHEET_WIDTHS = (20, 14, 14, 14, 14, 14, 14)
GOALS_WIDTH = 100
LINE_HEIGHT = 15  # points per wrapped line in Excel, for rows Excel does not fit itself (merged cells)
SHEET_NAME_LENGTH = 31  # Excel's limit, in UTF-16 units
SHEET_NAME_FORBIDDEN = "[]:*?/\\"


class Merge(Enum):
    """A cell that continues the cell above it: Word's vMerge, Excel's range down."""

    ABOVE = "above"


@dataclass(frozen=True)
class Amount:
    """A money cell: shown as typed in Word, a number in its unit in Excel."""

    value: Decimal | None


@dataclass(frozen=True)
class Percent:
    """A spending plan cell, 20 for 20%: shown as 20% in Word, the number 0.2 formatted 0% in Excel."""

    value: Decimal | None


Content = str | Amount | Percent | Merge


@dataclass(frozen=True)
class FormCell:
    """One cell of a table, spanning one or more grid columns."""

    content: Content
    span: int = 1  # grid columns


#: A table as rows of cells; every row covers the table's grid columns.
Rows = list[list[FormCell]]


# --- The document, format-free ---------------------------------------------------------------


def _label(cls: type, key: str) -> str:
    return field_of(cls, key).spec.label


def _one_line(text: str) -> str:
    """A title is one line: the readers find titles line by line."""
    return " ".join(text.splitlines())


def _title(department: Department) -> str:
    return layout.DOCUMENT_TITLE.format(year=department.year, name=_one_line(department.name))


def _project_title(project: Project) -> str:
    return layout.PROJECT_TITLE.format(number=project.number, name=_one_line(project.name))


def _goal_paragraphs(department: Department) -> Iterator[tuple[str, bool]]:
    """Part one's paragraphs after its title, each with whether it is a section heading."""
    for number, section in zip(layout.SECTION_NUMBERS, fields_of(Goals)):
        goal = getattr(department.goals, section.key)
        yield layout.SECTION_HEADING.format(number=number, label=section.spec.label), True
        if goal.intro is not None:
            yield goal.intro, False
        for item in goal.items:
            yield item, False


def _optional_rows(department: Department, project: Project) -> Rows:
    """The fields only some counties' forms print (实施单位, 项目属性 …), those present two to a row."""
    present = [
        (field.spec.label, getattr(item, field.key))
        for item in (department, project)
        for field in optional_fields(type(item))
        if getattr(item, field.key) is not None
    ]
    rows: Rows = []
    for start in range(0, len(present), 2):
        pair = present[start : start + 2]
        if len(pair) == 2:
            (first_label, first), (second_label, second) = pair
            rows.append([FormCell(first_label), FormCell(first, 2), FormCell(second_label), FormCell(second, 3)])
        else:
            ((label, value),) = pair
            rows.append([FormCell(label), FormCell(value, 6)])
    return rows


def _form_table(department: Department, project: Project) -> Rows:
    """TABLE 1, the project's form: unit, code and name, budget and purpose, spending plan, goal."""
    unit = layout.MONEY_UNIT.format(unit=department.money_unit)
    code, name, goal = (_label(Project, key) for key in ("code", "name", "goal"))
    budget = [FormCell(layout.BUDGET_ROW)]
    for field in fields_of(Budget):
        budget += [FormCell(field.spec.label), FormCell(Amount(getattr(project.budget, field.key)))]
    points = list(zip(project.plan.points(), (1, 2, 2, 1)))  # the plan's columns span the six value columns
    rows = [
        [FormCell(f"{department.code}{department.name}", 6), FormCell(unit)],
        [FormCell(code), FormCell(project.code, 2), FormCell(name), FormCell(project.name, 3)],
        *_optional_rows(department, project),
        budget,
        [FormCell(Merge.ABOVE), FormCell(project.purpose, 6)],
        [FormCell(layout.PLAN_ROW)] + [FormCell(point.label, span) for point, span in points],
        [FormCell(Merge.ABOVE)] + [FormCell(Percent(point.percent), span) for point, span in points],
        [FormCell(goal), FormCell(project.goal, 6)],
    ]
    return [row for row in rows if row]


def _indicator_table(project: Project) -> Rows:
    """TABLE 2, the indicators: a header, then one row each; 一级指标 merged down each run of equal ones."""
    rows: Rows = [[FormCell(f.spec.label) for f in INDICATOR_FIELDS]]
    above = None
    for indicator in project.indicators:
        texts = [getattr(indicator, f.key) for f in INDICATOR_FIELDS]
        level1 = Merge.ABOVE if texts[0] == above else texts[0]
        rows.append([FormCell(level1)] + [FormCell(text) for text in texts[1:]])
        above = texts[0]
    return rows


def _placed(rows: Rows) -> Iterator[tuple[int, int, FormCell, int]]:
    """Each cell that starts a merge or stands alone: its row, first grid column, and the rows it continues into."""
    continued = set()
    starts: list[dict[int, FormCell]] = []
    for row_index, row in enumerate(rows):
        starts.append({})
        column = 0
        for cell in row:
            starts[row_index][column] = cell
            if cell.content is Merge.ABOVE:
                continued.add((row_index, column))
            column += cell.span
    for row_index, cells in enumerate(starts):
        for column, cell in cells.items():
            if cell.content is not Merge.ABOVE:
                down = 0
                while (row_index + down + 1, column) in continued:
                    down += 1
                yield row_index, column, cell, down


def _text(content: Content) -> str:
    """A cell as Word shows it: amounts as typed (4916.86), plan points with % (20%), blank as empty."""
    if isinstance(content, Amount):
        return "" if content.value is None else str(content.value)
    if isinstance(content, Percent):
        return "" if content.value is None else f"{content.value}%"
    return "" if content is Merge.ABOVE else content


def _utc(created: datetime) -> datetime:
    """The date as both formats store it: UTC, without a zone (they write it with a Z)."""
    return created if created.tzinfo is None else created.astimezone(timezone.utc).replace(tzinfo=None)


# --- Word ------------------------------------------------------------------------------------


#: Parts of python-docx's template no form uses: Word 2010's second copy of the styles (438 KB of XML),
#: a thumbnail, custom XML and list numbering. Word rebuilds what it needs of them on opening.
UNUSED_PARTS = (
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    RT.THUMBNAIL,
    RT.CUSTOM_XML,
    RT.NUMBERING,
)
#: The styles the forms use by name; the template keeps them, the styles they build on and the defaults.
STYLES = ("Title", "Heading 2", "Heading 3", "Table Grid")
STYLE, STYLE_ID, STYLE_DEFAULT = qn("w:style"), qn("w:styleId"), qn("w:default")
STYLE_LINKS = (qn("w:basedOn"), qn("w:next"), qn("w:link"))
VALUE = qn("w:val")


@functools.cache
def _template() -> tuple[bytes, dict[str, str]]:
    """python-docx's own template cut to what the forms use, set up once per process; and its style ids by name.

    Every form used to load, save and re-zip the whole template: 800 KB of styles XML,
    parsed and compressed twice, was over half of a department's Word file
    (benchmarks/README.md). Cut, the template is a few KB; each form starts from it with A4
    pages and 宋体 for Chinese text already set.
    """
    document = docx.Document()
    for owner in (document.part, document.part.package):
        for rel_id, rel in list(owner.rels.items()):
            if rel.reltype in UNUSED_PARTS:
                del owner.rels[rel_id]
    styles = document.styles.element
    by_id = {style.get(STYLE_ID): style for style in styles.iter(STYLE)}
    wanted = [document.styles[name].style_id for name in STYLES]
    wanted += [style_id for style_id, style in by_id.items() if style.get(STYLE_DEFAULT) == "1"]
    kept: set[str] = set()
    while wanted:
        style_id = wanted.pop()
        if style_id in kept or style_id not in by_id:
            continue
        kept.add(style_id)
        wanted += [link.get(VALUE) for tag in STYLE_LINKS for link in by_id[style_id].iter(tag)]
    for style_id, style in by_id.items():
        if style_id not in kept:
            styles.remove(style)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:  # how Word shows the styles a document does not hold: its defaults do
        styles.remove(latent)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4, as county documents are printed
    document.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    names = {name: document.styles[name].style_id for name in STYLES}
    saved = io.BytesIO()
    document.save(saved)
    return saved.getvalue(), names


class _Document:
    """One Word document being written from the cut template, with its styles set by id.

    python-docx looks a style up by name through every style on each use, its
    `Table.cell()` and `_Cell.merge()` walk the whole grid on every call (quadratic in a
    table's size), and each of its element setters searches for where the child goes.
    Here styles are set by id and a table's elements are appended in schema order,
    merged cells as Word stores them (gridSpan across, vMerge down); python-docx reads
    them back as it reads Word's own.
    """

    def __init__(self) -> None:
        template, self.style_ids = _template()
        self.document = docx.Document(io.BytesIO(template))

    def paragraph(self, text: str = "", style: str | None = None) -> None:
        paragraph = self.document.add_paragraph(text)  # "\n" becomes a line break in the paragraph
        if style is not None:
            paragraph._p.style = self.style_ids[style]

    def table(self, rows: Rows, columns: int) -> WordTable:
        table = self.document.add_table(rows=0, cols=columns)
        tbl = table._tbl
        tbl.tblStyle_val = self.style_ids["Table Grid"]
        widths = [column.width.twips for column in table.columns]
        restarts = {(row_index, column) for row_index, column, _, down in _placed(rows) if down}
        xml = []
        for row_index, row in enumerate(rows):
            xml.append("<w:tr>")
            column = 0
            for cell in row:
                properties = f'<w:tcW w:w="{sum(widths[column : column + cell.span])}" w:type="dxa"/>'
                if cell.span > 1:
                    properties += f'<w:gridSpan w:val="{cell.span}"/>'
                if cell.content is Merge.ABOVE:
                    properties += "<w:vMerge/>"  # continue: the default value
                elif (row_index, column) in restarts:
                    properties += '<w:vMerge w:val="restart"/>'
                xml.append(f"<w:tc><w:tcPr>{properties}</w:tcPr><w:p>{_run(_text(cell.content))}</w:p></w:tc>")
                column += cell.span
            xml.append("</w:tr>")
        tbl.extend(parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(xml)}</w:tbl>"))
        return table

    def save(self, title: str, author: str, created: datetime) -> bytes:
        """The document's bytes, with its title, author and date: the same bytes for the same document anywhere."""
        properties = self.document.core_properties
        properties.title = title
        properties.author = properties.last_modified_by = author
        properties.comments = ""  # the template's says "generated by python-docx"
        properties.created = properties.modified = _utc(created)
        properties.revision = 1
        saved = io.BytesIO()
        self.document.save(saved)
        return _stable_zip(saved.getvalue())


RUN_PIECES = re.compile(r"(\n|\t)")


def _run(text: str) -> str:
    """A cell's text as the XML of python-docx's run setter ("\n" a line break, "\t" a tab); empty, no run.

    A table is written as one string of XML and parsed at once: element by element, the
    tables were most of a department's Word file (benchmarks/README.md)."""
    if not text:
        return ""
    pieces = []
    for piece in RUN_PIECES.split(text):
        if piece == "\n":
            pieces.append("<w:br/>")
        elif piece == "\t":
            pieces.append("<w:tab/>")
        elif piece != piece.strip():
            pieces.append(f'<w:t xml:space="preserve">{xml_escape(piece)}</w:t>')
        elif piece:
            pieces.append(f"<w:t>{xml_escape(piece)}</w:t>")
    return f"<w:r>{''.join(pieces)}</w:r>"


def _stable_zip(data: bytes) -> bytes:
    """The same zip with every entry pinned (`zips.zip_entry`), so that equal documents are equal bytes anywhere."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(zip_entry(entry.filename), source.read(entry))
    return out.getvalue()


def department_docx(department: Department, *, created: datetime) -> bytes:
    """The department's document as Word writes it: part one's goals, then two tables per project."""
    writer = _Document()
    writer.paragraph(_title(department), "Title")
    writer.paragraph(layout.PART_ONE)
    writer.paragraph(layout.PART_ONE_TITLE)
    for text, heading in _goal_paragraphs(department):
        writer.paragraph(text, "Heading 2" if heading else None)
    writer.paragraph(layout.PART_TWO)
    writer.paragraph(layout.PART_TWO_TITLE)
    for project in department.projects:
        writer.paragraph(_project_title(project), "Heading 3")
        writer.table(_form_table(department, project), FORM_COLUMNS)
        writer.paragraph()
        writer.table(_indicator_table(project), len(INDICATOR_FIELDS))
    return writer.save(_title(department), _one_line(department.name), created)


# --- Excel -----------------------------------------------------------------------------------


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _is_exact(value: Decimal, places: int) -> bool:
    """Whether the float, shown at the Decimal's places, reads back as the Decimal typed."""
    return value.is_finite() and format(float(value), f".{places}f") == str(value)


def _decimals(places: int) -> str:
    return "." + "0" * places if places else ""


def _number(content: Amount | Percent) -> tuple[float, str] | str | None:
    """A money or plan cell as Excel holds it: (number, format), or the text when a float would change it."""
    value = content.value
    if value is None:
        return None
    places = _places(value)
    if isinstance(content, Amount):
        return (float(value), f"#,##0{_decimals(places)}") if _is_exact(value, places) else str(value)
    return (float(value.scaleb(-2)), f"0{_decimals(places)}%") if _is_exact(value, places) else f"{value}%"


def _display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def _lines(text: str, width: float) -> int:
    """How many lines a wrapped cell of the given width (in Excel's character widths) shows."""
    room = max(1.0, width - 1)
    return sum(max(1, math.ceil(_display_width(line) / room)) for line in text.split("\n"))


class _Workbook:
    """One workbook being written: its styles, its sheets, and the sheet names taken."""

    def __init__(self) -> None:
        self.styles = Styles()
        self.cell = self.styles.add(Style(border=True, wrap=True, vertical="center"))
        self.title = self.styles.add(Style(bold=True, size=14, horizontal="center", vertical="center"))
        self.heading = self.styles.add(Style(bold=True, wrap=True, vertical="top"))
        self.paragraph = self.styles.add(Style(wrap=True, vertical="top"))
        self.sheets: list[Sheet] = []
        self.names: set[str] = set()

    def number_format(self, pattern: str) -> int:
        return self.styles.add(Style(border=True, vertical="center", number_format=pattern))

    def add_sheet(self, name: str, widths: Sequence[float], *, a4: bool = False) -> Sheet:
        """A sheet named as close to `name` as Excel allows, unique in the workbook."""
        clean = "".join("_" if char in SHEET_NAME_FORBIDDEN else char for char in " ".join(name.split()))
        unique, suffix = _sheet_name(clean, SHEET_NAME_LENGTH), 1
        while unique.lower() in self.names:  # Excel compares sheet names ignoring case
            suffix += 1
            unique = _sheet_name(clean, SHEET_NAME_LENGTH - len(f"({suffix})")) + f"({suffix})"
        self.names.add(unique.lower())
        self.sheets.append(Sheet(unique, widths, a4=a4))
        return self.sheets[-1]

    def write(self, sheet: Sheet, row: int, column: int, content: Content) -> None:
        """One table cell: text as text, never a formula or a link; an amount or plan point as a number."""
        if isinstance(content, (Amount, Percent)):
            number = _number(content)
            if number is None:
                sheet.blank(row, column, self.cell)
            elif isinstance(number, str):
                sheet.text(row, column, number, self.cell)
            else:
                sheet.number(row, column, number[0], self.number_format(number[1]))
        elif content:
            sheet.text(row, column, content, self.cell)
        else:
            sheet.blank(row, column, self.cell)

    def table(self, sheet: Sheet, first_row: int, rows: Rows, widths: Sequence[float]) -> None:
        """A table from `first_row` down, its merged cells as merged ranges, its rows as tall as their text."""
        lines = [1] * len(rows)
        for row_index, column, cell, down in _placed(rows):
            row = first_row + row_index
            if cell.span > 1 or down:
                sheet.merge(row, column, row + down, column + cell.span - 1, self.cell)
            self.write(sheet, row, column, cell.content)
            shown = _lines(_text(cell.content), sum(widths[column : column + cell.span]))
            lines[row_index] = max(lines[row_index], math.ceil(shown / (down + 1)))
        for row_index, count in enumerate(lines):
            if count > 1:  # Excel fits a row to wrapped text itself, but not to a merged cell's
                sheet.height(first_row + row_index, LINE_HEIGHT * count)


def _sheet_name(text: str, length: int) -> str:
    """The longest start of `text` of at most `length` UTF-16 units (Excel counts them), no apostrophe at either end."""
    out, used = [], 0
    for char in text:
        used += 2 if ord(char) > 0xFFFF else 1
        if used > length:
            break
        out.append(char)
    return re.sub(r"^'|'$", "_", "".join(out))  # Excel refuses a name that starts or ends with one


def _goals_sheet(workbook: _Workbook, department: Department) -> None:
    sheet = workbook.add_sheet(layout.PART_ONE_TITLE, (GOALS_WIDTH,))
    sheet.text(0, 0, _title(department), workbook.title)
    sheet.text(1, 0, layout.PART_ONE_TITLE, workbook.heading)
    for row, (text, heading) in enumerate(_goal_paragraphs(department), start=2):
        sheet.text(row, 0, text, workbook.heading if heading else workbook.paragraph)


def _project_sheet(workbook: _Workbook, department: Department, project: Project) -> None:
    sheet = workbook.add_sheet(f"{project.number}.{project.name}", SHEET_WIDTHS, a4=True)
    sheet.merge(0, 0, 0, FORM_COLUMNS - 1, workbook.title)
    sheet.text(0, 0, _project_title(project), workbook.title)
    form = _form_table(department, project)
    workbook.table(sheet, 1, form, SHEET_WIDTHS)
    workbook.table(sheet, 1 + len(form) + 1, _indicator_table(project), SHEET_WIDTHS)


def department_xlsx(department: Department, *, created: datetime) -> bytes:
    """The department's document as a workbook: a sheet of its goals, then one sheet per project."""
    book = _Workbook()
    _goals_sheet(book, department)
    for project in department.projects:
        _project_sheet(book, department, project)
    properties = Properties(_title(department), _one_line(department.name), _utc(created))
    return workbook([(sheet.name, sheet.xml()) for sheet in book.sheets], book.styles, properties)


EXPORTERS: dict[str, Callable[..., bytes]] = {".docx": department_docx, ".xlsx": department_xlsx}
