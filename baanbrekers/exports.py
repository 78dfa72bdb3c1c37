"""Cells for spreadsheets: text that a spreadsheet would run as a formula is written as text.

A name such as ``=HYPERLINK("https://…","click")`` typed into a record must not become a live
formula when a council export is opened in Excel or LibreOffice (CSV injection). Every CSV and
XLSX export writes its cells through this module.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

# What a spreadsheet may read as the start of a formula (OWASP's list): =, +, -, @, tab, CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """The value for a CSV cell: formula-like text gets a leading apostrophe, which spreadsheets
    show as text; numbers and other text are written as they are."""
    return "'" + value if is_formula_like(value) else value


def csv_rows_write(*, writer: csv.writer, rows: Iterable[Iterable[object]]) -> None:
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])


def xlsx_row_append(*, sheet, row: Iterable[object]) -> None:
    """Append a row to an openpyxl sheet with every string stored as text, never as a formula
    (openpyxl turns a string starting with "=" into a formula by itself)."""
    values = list(row)
    sheet.append(values)
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        if isinstance(value, str):
            cell.value = value
            cell.data_type = "s"
            if is_formula_like(value):
                # Excel's own marker for "typed as text": editing the cell keeps it text.
                cell.quotePrefix = True
