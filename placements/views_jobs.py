"""A job's page for the back office: what it is, its end, and its "still working?" checks.

Reached from the list of jobs and from the check's follow-up (the to-do list's answer button).
The rules are placements.services' (job_check_record, job_outcome_end)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from baanbrekers.access import get_visible_or_404
from baanbrekers.viewtools import apply_service_errors, user_passes

from . import services
from .access import may_work_in_pipeline
from .job_forms import JobCheckForm, JobEndForm
from .models import JobCheckSource, JobOutcome

pipeline_required = user_passes(may_work_in_pipeline)


def _job(user, pk) -> JobOutcome:
    qs = JobOutcome.objects.visible_to(user).select_related("jobseeker", "employer", "placement")
    return get_visible_or_404(qs, pk)


def _render(request, job, check_form=None, end_form=None, status=200):
    months_open = services.job_checks_open(job)
    if check_form is None and months_open:
        wanted = request.GET.get("months", "")
        initial = {"months": int(wanted)} if wanted.isdigit() else {}
        check_form = JobCheckForm(initial=initial, months_open=months_open)
    checks = list(job.checks.select_related("recorded_by").order_by("months"))
    return render(
        request,
        "placements/job_detail.html",
        {
            "job": job,
            "checks": checks,
            "check_form": check_form,
            "end_form": end_form or JobEndForm(initial={"end_date": job.end_date}),
            "upcoming": [
                (m, services.job_retention_due_on(job, m))
                for m in services.job_checks_due_later(job)
            ],
        },
        status=status,
    )


@pipeline_required
@require_GET
def job_detail(request, pk):
    return _render(request, _job(request.user, pk))


@pipeline_required
@require_POST
def job_check(request, pk):
    job = _job(request.user, pk)
    form = JobCheckForm(request.POST, months_open=services.job_checks_open(job))
    if form.is_valid():
        try:
            services.job_check_record(
                job=job,
                months=form.cleaned_data["months"],
                still_working=form.cleaned_data["still_working"] == "yes",
                end_date=form.cleaned_data["end_date"],
                source=JobCheckSource.CASEWORKER,
                recorded_by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The answer has been recorded."))
            return redirect(job)
    return _render(request, job, check_form=form, status=400)


@pipeline_required
@require_POST
def job_end(request, pk):
    job = _job(request.user, pk)
    form = JobEndForm(request.POST)
    if form.is_valid():
        try:
            services.job_outcome_end(
                job=job,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
                ended_by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The end of the job has been recorded."))
            return redirect(job)
    return _render(request, job, end_form=form, status=400)
