"""The council's exports: CSV, Excel and PDF of the same tables the dashboard shows.

All formats are built from ``report_tables``, which takes the Report as the reader may see it
(exact for the back office, through disclosure control for aldermen), so an export can never show
more than the dashboard does.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors import Report


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[object]]
    numeric: bool = True


def period_label(report: Report) -> str:
    return _("%(start)s to %(end)s") % {
        "start": formats.date_format(report.period.start, "j F Y"),
        "end": formats.date_format(report.period.end, "j F Y"),
    }


def report_tables(report: Report) -> list[Table]:
    figure, value = _("Figure"), _("Value")
    tables = [
        Table(
            _("Headline figures"),
            [figure, value],
            [[label, shown] for _k, label, shown in report.headlines]
            + [[label, shown] for _k, label, shown in report.estimates],
        ),
        Table(
            _("From visit to paid job"),
            [_("Step"), _("Number")],
            [[label, shown] for _k, label, _bar, shown in report.funnel],
        ),
        Table(
            _("Jobs found by route"),
            [_("Route"), _("Jobs")],
            [[label, shown] for _k, label, _bar, shown in report.routes]
            + [[_("Total"), report.routes_total]],
        ),
        Table(
            _("Per month"),
            [_("Month")] + [str(label) for _k, label in report.trend_columns],
            [
                [formats.date_format(month, "F Y")] + [cells[k] for k, _l in report.trend_columns]
                for month, cells in report.trend
            ]
            + [[_("Total")] + [report.trend_totals[k] for k, _l in report.trend_columns]],
        ),
        Table(
            _("Municipalities compared"),
            [_("Municipality")] + [str(label) for _k, label in report.comparison_columns],
            [
                [name] + [cells[k] for k, _l in report.comparison_columns]
                for name, cells in report.comparison
            ],
        ),
        Table(
            _("More figures"),
            [figure, value],
            [[label, shown] for _k, label, shown in report.details],
        ),
        Table(
            _("Legend"),
            [_("Sign"), _("Meaning")],
            [[s, str(m)] for s, m in report.legend],
            numeric=False,
        ),
    ]
    for table in tables:
        table.title = str(table.title)
        table.header = [str(h) for h in table.header]
        table.rows = [[c if isinstance(c, int) else str(c) for c in row] for row in table.rows]
    return tables


def _heading(report: Report) -> list[str]:
    return [
        _("Baanbrekers: figures for %(area)s") % {"area": report.area_name},
        _("Period: %(period)s") % {"period": period_label(report)},
    ]


def to_csv(report: Report) -> bytes:
    """Semicolon-separated with a byte-order mark: Dutch Excel opens it as it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for line in _heading(report):
        writer.writerow([line])
    for table in report_tables(report):
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.header)
        writer.writerows(table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    """One sheet per table; counts are numbers, suppressed cells text."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in report_tables(report):
        sheet = workbook.create_sheet(title=table.title[:31])
        for line in _heading(report):
            sheet.append([line])
        sheet.append([])
        sheet.append(table.header)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _latin1(text: object) -> str:
    """fpdf2's built-in Helvetica covers Latin-1, enough for Dutch; the rest is spelt out."""
    replaced = (
        str(text)
        .replace("€", "EUR")
        .replace("\u2013", "-")
        .replace("\u2014", "-")
        .replace("\u2019", "'")
        .replace("×", "x")
    )
    return replaced.encode("latin-1", "replace").decode("latin-1")


def to_pdf(report: Report) -> bytes:
    """A printable report for the council: the same tables, A4 portrait."""
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(_heading(report)[0]))
    pdf.set_author("Baanbrekers")
    pdf.set_creator("Baanbrekers")
    pdf.set_lang("nl")
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin1(_heading(report)[0]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, _latin1(_heading(report)[1]), new_x="LMARGIN", new_y="NEXT")
    for table in report_tables(report):
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 7, _latin1(table.title), new_x="LMARGIN", new_y="NEXT")
        size = 7 if len(table.header) > 4 else 9
        pdf.set_font("Helvetica", "", size)
        first = 0.34 if len(table.header) > 2 else 0.7
        rest = (1 - first) / max(len(table.header) - 1, 1)
        widths = [first] + [rest] * (len(table.header) - 1)
        with pdf.table(
            col_widths=widths,
            text_align=["LEFT"] + ["RIGHT"] * (len(table.header) - 1),
            line_height=size * 0.6,
            first_row_as_headings=True,
        ) as pdf_table:
            for row in [table.header, *table.rows]:
                cells = pdf_table.row()
                for cell in row:
                    cells.cell(_latin1(cell))
    return bytes(pdf.output())
