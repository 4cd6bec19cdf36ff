"""XLSX workbooks, written by hand: the downloads' tables and the department's Excel form.

Written by hand, not with XlsxWriter: that takes several times the CPU, writing every row again for each
file holding it where this makes a project's row XML once (benchmarks/README.md, issues 13 and 26). Every
text cell is an inline string, so no text can ever become a formula or a link. Zip entries are pinned
(`zips.zip_entry`) and the document's date is the one given (the content's), so equal workbooks are equal
bytes whatever the build machine, its clock, zone or umask.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from generator.formats.tables import WIDE_COLUMNS, Cell, Column, Row, Table
from generator.formats.zips import zip_entry

#: Day 0 of Excel's date serial numbers as every spreadsheet reads them (1900 system, after its phantom 29 February).
EXCEL_EPOCH = date(1899, 12, 30)
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Characters XML 1.0 cannot hold; OOXML writes them as _xHHHH_ (ECMA-376 ST_Xstring).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
FONT = "等线"
FIRST_CUSTOM_FORMAT = 164  # ids below are Excel's built-in number formats


# --- Styles --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How a cell looks: the few things the downloads and the forms use."""

    bold: bool = False
    size: int = 11
    border: bool = False  # thin on all four sides
    wrap: bool = False
    horizontal: str | None = None  # "center"
    vertical: str | None = None  # "top", "center"
    number_format: str | None = None


class Styles:
    """A workbook's cell styles, numbered in the order they are added (0 is the default)."""

    def __init__(self) -> None:
        self.styles: dict[Style, int] = {Style(): 0}

    def add(self, style: Style) -> int:
        """The style's number, the same number for an equal style."""
        return self.styles.setdefault(style, len(self.styles))

    def xml(self) -> str:
        fonts = list(dict.fromkeys((style.bold, style.size) for style in self.styles))
        formats = list(dict.fromkeys(style.number_format for style in self.styles if style.number_format))
        format_ids = {pattern: FIRST_CUSTOM_FORMAT + i for i, pattern in enumerate(formats)}
        xfs = [_xf(style, format_ids, fonts.index((style.bold, style.size))) for style in self.styles]
        return (
            f'{XML_HEAD}<styleSheet xmlns="{SHEET_NS}">\n'
            + (
                f'<numFmts count="{len(formats)}">'
                + "".join(
                    f"<numFmt numFmtId={quoteattr(str(i))} formatCode={quoteattr(p)}/>" for p, i in format_ids.items()
                )
                + "</numFmts>\n"
                if formats
                else ""
            )
            + f'<fonts count="{len(fonts)}">'
            + "".join(
                f'<font>{"<b/>" if bold else ""}<sz val="{size}"/><name val="{FONT}"/></font>' for bold, size in fonts
            )
            + "</fonts>\n"
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\n'
            + (BORDERS if any(style.border for style in self.styles) else NO_BORDERS)
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\n'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>\n'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\n'
            "</styleSheet>\n"
        )


NO_BORDERS = '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\n'
#: Border 1, thin all round: the form's boxes.
BORDERS = (
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border>'
    "</borders>\n"
)


def _xf(style: Style, format_ids: dict[str, int], font: int) -> str:
    number = format_ids[style.number_format] if style.number_format else 0
    applied = "".join(
        f' apply{name}="1"'
        for name, used in (("NumberFormat", number), ("Font", font), ("Border", style.border))
        if used
    )
    alignment = "".join(
        f" {name}={quoteattr(value)}"
        for name, value in (
            ("horizontal", style.horizontal),
            ("vertical", style.vertical),
            ("wrapText", "1" if style.wrap else None),
        )
        if value
    )
    attributes = f'numFmtId="{number}" fontId="{font}" fillId="0" borderId="{int(style.border)}" xfId="0"{applied}'
    if not alignment:
        return f"<xf {attributes}/>"
    return f'<xf {attributes} applyAlignment="1"><alignment{alignment}/></xf>'


#: The downloads' styles: header, amounts, multi-line text and dates.
DOWNLOAD_STYLES = Styles()
STYLE_HEADER = DOWNLOAD_STYLES.add(Style(bold=True))
STYLE_AMOUNT = DOWNLOAD_STYLES.add(Style(number_format="#,##0.00####"))
STYLE_WRAP = DOWNLOAD_STYLES.add(Style(wrap=True, vertical="top"))
STYLE_DATE = DOWNLOAD_STYLES.add(Style(number_format="yyyy-mm-dd"))


# --- Cells and sheets ----------------------------------------------------------------------------


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
    return _text_cell(ref, STYLE_HEADER if header else STYLE_WRAP if "\n" in text else 0, text)


def _text_cell(ref: str, style: int, text: str) -> str:
    """A text cell: an inline string, never a formula, its spaces and line breaks kept."""
    return f'<c r="{ref}"{_style(style)} t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'


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
    lines = [
        '<row r="1">'
        + "".join(_xlsx_cell(f"{column_letter(i)}1", c.title, c, header=True) for i, c in enumerate(table.columns))
        + "</row>"
    ]
    numbers = itertools.count(2)
    lines.extend(row.replace(ROW_MARK, str(next(numbers))) for chunk in chunks for row in chunk)
    return worksheet(
        "\n".join(lines), [36 if c.name in WIDE_COLUMNS else 14 for c in table.columns], frozen_header=True
    )


def worksheet(
    data: str, widths: Sequence[float], *, frozen_header: bool = False, merges: Sequence[str] = (), a4: bool = False
) -> str:
    """A sheet's XML around its rows' XML; `a4` prints it on A4, as wide as one page and as long as it takes."""
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
    pane = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' if frozen_header else ""
    merged = (
        f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{r}"/>' for r in merges) + "</mergeCells>"
    )
    return (
        f'{XML_HEAD}<worksheet xmlns="{SHEET_NS}">'
        + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if a4 else "")
        + f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f"\n<sheetData>\n{data}\n</sheetData>"
        + (merged if merges else "")
        + ('<pageSetup paperSize="9" fitToWidth="1" fitToHeight="0"/>' if a4 else "")
        + "</worksheet>\n"
    )


def to_xlsx(sheets: Sequence[tuple[Table, Sequence[Row]]]) -> bytes:
    """A workbook with one sheet per table, header row frozen."""
    return xlsx_file([(table, [xlsx_rows(table, rows)]) for table, rows in sheets])


def xlsx_file(sheets: Sequence[tuple[Table, Iterable[Sequence[str]]]]) -> bytes:
    """A workbook of the rows made by xlsx_rows, project by project."""
    return workbook([(table.title, _sheet(table, chunks)) for table, chunks in sheets], DOWNLOAD_STYLES)


# --- Workbooks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Properties:
    """The document's title, author and date, which spreadsheets show under File, Info."""

    title: str
    author: str
    created: datetime  # in UTC, without a zone


CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"


def _core(properties: Properties) -> str:
    day = properties.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{XML_HEAD}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_xml_text(properties.title)}</dc:title><dc:creator>{_xml_text(properties.author)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{day}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{day}</dcterms:modified>'
        "</cp:coreProperties>\n"
    )


def workbook(sheets: Sequence[tuple[str, str]], styles: Styles, properties: Properties | None = None) -> bytes:
    """The package of the sheets (each its name and XML), their styles and the document's properties."""
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
            + (f'<Override PartName="/docProps/core.xml" ContentType="{CORE_TYPE}"/>' if properties else "")
            + "</Types>\n"
        ),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            + (
                f'<Relationship Id="rId2" Type="{PKG_REL_NS}/metadata/core-properties" Target="docProps/core.xml"/>'
                if properties
                else ""
            )
            + "</Relationships>\n"
        ),
        "xl/workbook.xml": (
            f'{XML_HEAD}<workbook xmlns="{SHEET_NS}" xmlns:r="{REL_NS}"><sheets>'
            + "".join(
                f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
                for i, (name, _) in enumerate(sheets, start=1)
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
        "xl/styles.xml": styles.xml(),
    }
    if properties:
        parts["docProps/core.xml"] = _core(properties)
    for i, (_, xml) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(zip_entry(name), text.encode("utf-8"), compresslevel=6)
    return buffer.getvalue()


class Sheet:
    """A sheet written cell by cell in any order, with merged ranges and row heights: the department's form."""

    def __init__(self, name: str, widths: Sequence[float], *, a4: bool = False) -> None:
        self.name = name
        self.widths = widths
        self.a4 = a4
        self.cells: dict[tuple[int, int], str] = {}
        self.heights: dict[int, float] = {}
        self.merges: list[str] = []

    def text(self, row: int, column: int, text: str, style: int) -> None:
        self.cells[row, column] = _text_cell(_ref(row, column), style, text)

    def number(self, row: int, column: int, value: float, style: int) -> None:
        self.cells[row, column] = f'<c r="{_ref(row, column)}"{_style(style)}><v>{value!r}</v></c>'

    def blank(self, row: int, column: int, style: int) -> None:
        self.cells[row, column] = f'<c r="{_ref(row, column)}"{_style(style)}/>'

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int, style: int) -> None:
        """One cell over the range; its covered cells blank in its style, so its borders show all round."""
        for row in range(first_row, last_row + 1):
            for column in range(first_column, last_column + 1):
                self.blank(row, column, style)
        self.merges.append(f"{_ref(first_row, first_column)}:{_ref(last_row, last_column)}")

    def height(self, row: int, points: float) -> None:
        self.heights[row] = points

    def xml(self) -> str:
        rows: dict[int, list[tuple[int, str]]] = {}
        for (row, column), cell in sorted(self.cells.items()):
            rows.setdefault(row, []).append((column, cell))
        data = "\n".join(
            f'<row r="{row + 1}"'
            + (f' ht="{self.heights[row]}" customHeight="1"' if row in self.heights else "")
            + ">"
            + "".join(cell for _, cell in cells)
            + "</row>"
            for row, cells in rows.items()
        )
        return worksheet(data, self.widths, merges=self.merges, a4=self.a4)


def _ref(row: int, column: int) -> str:
    """(0, 0) -> A1."""
    return f"{column_letter(column)}{row + 1}"


def _style(style: int) -> str:
    return f' s="{style}"' if style else ""
