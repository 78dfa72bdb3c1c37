"""The impact statement as a PDF, for the employer's CSR report or social-return (SROI) file.

fpdf2 is pure Python; its built-in Helvetica covers Latin-1, enough for Dutch. Characters
outside Latin-1 (a company name with a curly quote, say) are replaced rather than failing.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF

from .selectors import Impact


def _latin1(text: str) -> str:
    return (
        str(text)
        .replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .replace("\u2013", "-")
        .replace("\u2014", "-")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def impact_statement_pdf(impact: Impact) -> bytes:
    """A one-page statement: who, which period, and the counts as ``company_impact`` gives
    them (through disclosure control). Counts only, never a name."""
    employer = impact.employer
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(_("Impact statement %(name)s") % {"name": employer.trade_name}))
    pdf.set_author("Baanbrekers")
    pdf.set_creator("Baanbrekers")
    pdf.set_lang("nl")
    pdf.add_page()
    pdf.set_margins(20, 20, 20)
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 10, _latin1(_("Statement of social impact")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.ln(2)
    lines = [
        f"{_('Company')}: {employer.trade_name}",
        f"{_('KvK number')}: {employer.kvk_number}",
        f"{_('Municipality')}: {employer.municipality}",
        f"{_('Period')}: "
        + (
            _("%(start)s to %(end)s")
            % {
                "start": formats.date_format(impact.since, "j F Y") if impact.since else "-",
                "end": formats.date_format(impact.as_of, "j F Y"),
            }
        ),
    ]
    for line in lines:
        pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(
        0,
        6,
        _latin1(
            _(
                "Working with Baanbrekers, %(name)s helped people on benefits towards work in "
                "the following ways:"
            )
            % {"name": employer.trade_name}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    rows = [
        (_("Company visits hosted"), impact.visits_hosted),
        (_("Job seekers who joined those visits"), impact.jobseekers_at_visits),
        (_("Development placements offered and started"), impact.placements_started),
        (_("of which completed"), impact.placements_completed),
        (_("Paid jobs at the company"), impact.jobs),
        (_("of which after a development placement"), impact.jobs_after_placement),
        (_("Buddies from the company"), impact.buddies),
        (_("Fellow companies tipped"), impact.tips),
    ]
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(130, 8, _latin1(_("What")), border="B")
    pdf.cell(30, 8, _latin1(_("Number")), border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for label, value in rows:
        pdf.cell(130, 7, _latin1(label), border="B")
        pdf.cell(30, 7, str(value), border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        5,
        _latin1(
            _(
                "Figures from the records of Baanbrekers on %(date)s. They contain no personal "
                'data: numbers of people from 1 to 4 are shown as "< 5" and other numbers of '
                "people are rounded down to a multiple of 5. For social-return (SROI) "
                "obligations, ask your contact at Baanbrekers to confirm the figures for a "
                "specific contract."
            )
            % {"date": formats.date_format(impact.as_of, "j F Y")}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
