"""A table as an XLSX workbook: cells typed (text always as text), amounts exact, the same bytes on any machine.

Every zip entry is dated ZIP_DATE and carries no host OS or file mode, so equal
workbooks are equal bytes whatever the build machine, its clock, zone or umask.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

from generator.formats.tables import WIDE_COLUMNS, Cell, Column, Row, Table

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry holds: every zip the site writes

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
