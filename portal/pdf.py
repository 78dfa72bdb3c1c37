"""The impact statement as a tagged, accessible PDF (PDF/UA-1), for the employer's CSR report
or social-return (SROI) file.

Rendered from the template ``portal/pdf/impact_statement.html`` by ``baanbrekers.pdf``: the
figures are ``company_impact``'s (through disclosure control), counts only, never a name.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from baanbrekers.pdf import pdf_from_template

from .selectors import Impact


def impact_rows(impact: Impact) -> list[tuple[str, int | str, bool]]:
    """The statement's table: what, how many (as ``company_impact`` shows it), and whether the
    row is a part of the one above ("of which ...", indented)."""
    return [
        (_("Company visits hosted"), impact.visits_hosted, False),
        (_("Job seekers who joined those visits"), impact.jobseekers_at_visits, False),
        (_("Development placements offered and started"), impact.placements_started, False),
        (_("of which completed"), impact.placements_completed, True),
        (_("Paid jobs at the company"), impact.jobs, False),
        (_("of which after a development placement"), impact.jobs_after_placement, True),
        (_("Buddies from the company"), impact.buddies, False),
        (_("Fellow companies tipped"), impact.tips, False),
    ]


def impact_statement_pdf(impact: Impact) -> bytes:
    """A one-page statement: who, which period, and the counts. Raises
    ``baanbrekers.pdf.PdfUnavailable`` when the PDF engine cannot run on this machine."""
    return pdf_from_template(
        template_name="portal/pdf/impact_statement.html",
        context={
            "impact": impact,
            "employer": impact.employer,
            "rows": impact_rows(impact),
            "title": _("Impact statement %(name)s") % {"name": impact.employer.trade_name},
        },
    )
