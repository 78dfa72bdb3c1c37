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
from openpyxl import Workbook
from openpyxl.styles import Font

from baanbrekers.exports import csv_rows_write, xlsx_row_append
from baanbrekers.pdf import pdf_from_template

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
    # Names come from records (municipalities, areas): never a live formula (baanbrekers.exports).
    csv_rows_write(writer=writer, rows=[[line] for line in _heading(report)])
    for table in report_tables(report):
        csv_rows_write(writer=writer, rows=[[], [table.title], table.header, *table.rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    """One sheet per table; counts are numbers, suppressed cells and names text."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in report_tables(report):
        sheet = workbook.create_sheet(title=table.title[:31])
        for line in _heading(report):
            xlsx_row_append(sheet=sheet, row=[line])
        sheet.append([])
        xlsx_row_append(sheet=sheet, row=table.header)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            xlsx_row_append(sheet=sheet, row=row)
        sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_widths(table: Table) -> list[int]:
    """Percent widths: the first column (labels, names, months) gets what its longest entry
    needs within bounds, the numbers share the rest evenly. Header words then fit whole (the
    stylesheet forbids breaking inside a word) and the labels wrap rarely."""
    columns = len(table.header)
    if columns == 1:
        return [100]
    if columns == 2:
        # Label and number; a legend's sign is short and its meaning long.
        return [70, 30] if table.numeric else [20, 80]
    longest = max(len(str(row[0])) for row in [table.header, *table.rows])
    first = min(max(longest * 1.1, 14), 34)
    rest = (100 - first) / (columns - 1)
    return [round(first)] + [round(rest, 2)] * (columns - 1)


def to_pdf(report: Report) -> bytes:
    """A printable report for the council: the same tables, A4 portrait, as a tagged PDF/UA
    document (structure tree, language, title, table headers) from
    ``stats/pdf/report.html``. Raises ``baanbrekers.pdf.PdfUnavailable`` when the PDF engine
    cannot run on this machine."""
    tables = [
        {
            "table": table,
            "widths": _column_widths(table),
            "wide": len(table.header) > 4,
            # Many columns (the municipalities compared): a landscape page, so that every
            # header word fits its column whole.
            "landscape": len(table.header) > 7,
            # A short table stays on one page (no lone total row at the top of the next).
            "keep": len(table.rows) <= 15,
            # The last row of a table that ends in a total is its footer.
            "total": bool(table.rows) and str(table.rows[-1][0]) == str(_("Total")),
        }
        for table in report_tables(report)
    ]
    heading, period = _heading(report)
    return pdf_from_template(
        template_name="stats/pdf/report.html",
        context={"title": heading, "period": period, "tables": tables, "report": report},
    )
