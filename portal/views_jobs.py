"""The portal's "still working?" page: the employer answers the 6- and 12-month checks of the
paid jobs at their company. The rule is placements.services.job_check_record's (the portal is
the top layer and calls it); which jobs a contact sees is portal.access'."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from baanbrekers.viewtools import apply_service_errors
from placements.job_forms import JobCheckForm
from placements.models import JobCheckSource
from placements.services import job_check_record, job_checks_open

from .access import portal_job_for_user, portal_jobs
from .views import _render, company_required


def _rows(request, errors=None):
    """Jobs at the company with a check to answer, and those answered, newest first."""
    rows = []
    for job in portal_jobs(request.user, request.employer).prefetch_related("checks"):
        months_open = job_checks_open(job)
        answered = sorted(job.checks.all(), key=lambda c: c.months)
        if not months_open and not answered:
            continue
        form = None
        if months_open:
            form = (errors or {}).get(job.pk) or JobCheckForm(
                months_open=months_open, prefix=f"job{job.pk}"
            )
        rows.append({"job": job, "form": form, "answered": answered})
    rows.sort(key=lambda r: (r["form"] is None, -r["job"].start_date.toordinal()))
    return rows


@company_required
@require_GET
def job_checks(request):
    return _render(request, "portal/job_checks.html", {"rows": _rows(request)})


@company_required
@require_POST
def job_check_answer(request, pk):
    job = portal_job_for_user(request.user, request.employer, pk)
    form = JobCheckForm(request.POST, months_open=job_checks_open(job), prefix=f"job{job.pk}")
    if form.is_valid():
        try:
            job_check_record(
                job=job,
                months=form.cleaned_data["months"],
                still_working=form.cleaned_data["still_working"] == "yes",
                end_date=form.cleaned_data["end_date"],
                source=JobCheckSource.EMPLOYER,
                recorded_by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you, your answer has been recorded."))
            return redirect("portal:job_checks")
    return _render(
        request,
        "portal/job_checks.html",
        {"rows": _rows(request, errors={job.pk: form})},
        status=400,
    )
