"""A person's data for a request under AVG article 15, as JSON and as a readable PDF.

The content comes from ``jobseekers.services.jobseeker_data_export`` (coordinators only,
audited); this module only lays it out. fpdf2 is pure Python; its built-in Helvetica covers
Latin-1, enough for Dutch: other characters are replaced rather than failing.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF

_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
}


def _latin1(text: Any) -> str:
    text = str(text)
    for char, plain in _REPLACEMENTS.items():
        text = text.replace(char, plain)
    return text.encode("latin-1", "replace").decode("latin-1")


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def export_pdf(data: dict[str, Any]) -> bytes:
    """The same content as the JSON: the person's details, then each section's records as
    label/value lines, so the person can read what we hold without tools."""
    pdf = FPDF(format="A4")
    title = _("Personal data of %(name)s") % {"name": data["subject"]}
    pdf.set_title(_latin1(title))
    pdf.set_author("Baanbrekers")
    pdf.set_creator("Baanbrekers")
    pdf.set_lang("nl")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, *, size: int = 10, style: str = "", height: float = 5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, height, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    def record(values: dict[str, str]) -> None:
        for label, value in values.items():
            line(f"{label}: {value}")
        pdf.ln(2)

    line(title, size=16, style="B", height=8)
    line(
        _(
            "An overview of the personal data Baanbrekers holds about you, under article 15 of "
            "the General Data Protection Regulation (AVG). Made on %(at)s."
        )
        % {"at": data["generated_at"][:10]}
    )
    pdf.ln(4)
    line(_("Your details"), size=13, style="B", height=7)
    record(data["person"])
    for section in data["sections"]:
        pdf.ln(2)
        line(section["title"], size=13, style="B", height=7)
        if not section["records"]:
            line(_("None."))
            continue
        for values in section["records"]:
            record(values)
    return bytes(pdf.output())
