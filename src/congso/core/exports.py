"""User text into spreadsheets as text, never as a formula (issue 11, item 5; ADR 0091).

A spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after a
tab or a carriage return, whatever follows) as a formula: an applicant named
``=HYPERLINK("http://…";"Bấm vào đây")`` becomes a live link in the officer's register, and
``=cmd|…`` style payloads have run programs in older Excel. Every XLSX and CSV export of the
project writes its cells through this module.

- XLSX (openpyxl): the cell keeps the exact text, typed as a string (``data_type = "s"``, a
  shared string, which Excel never evaluates) and marked ``quotePrefix`` so that editing the
  cell later does not turn it into a formula either. A re-import reads back the same text, so
  an export/import round trip (the procedure catalogue) changes nothing.
- CSV has no types: a text that starts with a trigger character is prefixed with a single
  quote, as OWASP recommends, and ``csv`` quoting does the rest.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# Characters that make a spreadsheet read the cell as a formula (OWASP "CSV injection"), and
# the full-width forms some input methods type for the first four.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")


def formula_like(value: Any) -> bool:
    """True for a text that a spreadsheet would take as a formula."""
    return isinstance(value, str) and value[:1] in FORMULA_TRIGGERS


def as_text(cell: Cell) -> Cell:
    # (a write-only sheet's WriteOnlyCell is a factory returning a Cell)
    """Make one openpyxl cell holding user text a plain string cell."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if formula_like(cell.value):
            cell.quotePrefix = True
    return cell


def text_cells(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row for a write-only worksheet: strings become string cells; other values (numbers,
    dates, None, cells already built) pass through."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            row.append(as_text(WriteOnlyCell(ws, value=value)))
        else:
            row.append(value)
    return row


def append_text_row(ws: Worksheet, values: Sequence[Any]) -> None:
    """``ws.append(values)`` for an ordinary worksheet, every string written as text."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if isinstance(cell, Cell):  # not a MergedCell, which holds no value
            as_text(cell)


def csv_text(value: Any) -> Any:
    """One CSV field: a formula-like text gets a leading single quote (OWASP)."""
    if formula_like(value):
        return "'" + value
    return value


def csv_writer(stream: IO[str], **kwargs: Any) -> Any:
    """A ``csv.writer`` whose ``writerow``/``writerows`` neutralise formula-like text."""
    inner = csv.writer(stream, **kwargs)

    class _Writer:
        dialect = inner.dialect

        def writerow(self, row: Iterable[Any]) -> Any:
            return inner.writerow([csv_text(v) for v in row])

        def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
            for row in rows:
                self.writerow(row)

    return _Writer()


def xlsx_table(
    *,
    sheet: str,
    widths: Sequence[float],
    preamble: Iterable[Sequence[Any]],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    total: Sequence[Any] | None = None,
) -> bytes:
    """A one-sheet workbook of a table, as the desk's downloads write them: title lines, a bold
    wrapped header, the rows and an optional bold total; every string written as text. Rows
    are appended one by one in openpyxl's write-only mode (a month's register of a district is
    thousands of rows; the ordinary mode keeps a cell object for each)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for line in preamble:
        ws.append(text_cells(ws, line))
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    cells = []
    for title in header:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.alignment = bold, wrap
        cells.append(cell)
    ws.append(cells)
    try:
        for row in rows:
            ws.append(text_cells(ws, row))
    except BaseException:
        ws.close()  # end the sheet's XML writer now, not in a garbage-collected generator
        raise
    if total is not None:
        last = text_cells(ws, total)
        for i, value in enumerate(last):
            cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
            cell.font = bold
            last[i] = cell
        ws.append(last)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
