"""Tagged, accessible PDFs (PDF/UA-1) rendered from Django templates.

Dutch public bodies may only publish accessible documents (the accessibility decree asks for
PDF/UA): a structure tree in reading order, the language, a title, table headers. WeasyPrint
writes all of that from ordinary semantic HTML (``<html lang="nl">``, ``<title>``, ``<th
scope>``), so a PDF is a template with a print stylesheet, like any page.

WeasyPrint needs the Pango libraries of the operating system. The README promises that
`make run` needs only Python and make, so the platform keeps working without them: a system
check warns at start (``pdf_engine_problem``) and ``pdf_from_template`` raises
``PdfUnavailable``, which the PDF views turn into a Dutch page that says so (``pdf_unavailable``).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.core import checks
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

# Debian/Ubuntu package names; other systems name them alike ("pango").
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


class PdfUnavailable(RuntimeError):
    """The PDF engine cannot run here (its system libraries are missing)."""


@functools.cache
def pdf_engine_problem() -> str | None:
    """Why PDFs cannot be made here, or None when they can. Imported lazily: importing
    WeasyPrint loads Pango through cffi and raises OSError when the library is not there."""
    # WeasyPrint reports each rendering step at INFO: noise in the server log on every start
    # (the system check imports it) and every download.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    try:
        import weasyprint  # noqa: F401
    except (OSError, ImportError) as exc:
        return str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    return None


def pdf_from_template(
    *, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
) -> bytes:
    """Render a template (a whole HTML document with ``<html lang>`` and ``<title>``) to a
    tagged PDF/UA-1 document. Raises PdfUnavailable when the engine cannot run here."""
    problem = pdf_engine_problem()
    if problem is not None:
        raise PdfUnavailable(problem)
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    # No base_url: the templates carry their own stylesheet and load nothing from outside.
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def pdf_unavailable(
    request: HttpRequest,
    *,
    template_name: str = "pdf_unavailable.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The answer to a PDF download when the engine cannot run here: a short Dutch page saying
    so (the same figures are on screen), status 503, never a 500."""
    return render(request, template_name, {"pdf_problem": True, **(context or {})}, status=503)


@checks.register()
def pdf_engine_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Say at start (runserver, `manage.py check`) that PDF downloads will not work, and how
    to fix it, instead of failing later on a download."""
    problem = pdf_engine_problem()
    if problem is None:
        return []
    return [
        checks.Warning(
            "PDF downloads (impact statement, council report) are off: the PDF engine "
            f"WeasyPrint cannot load its system libraries ({problem}).",
            hint=f"Install them, e.g. `apt-get install {SYSTEM_PACKAGES}` on Debian/Ubuntu or "
            "`brew install pango` on macOS; everything else works without them.",
            id="baanbrekers.W010",
        )
    ]
