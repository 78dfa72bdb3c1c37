"""The coordinator's import pages (issue 16): upload, column mapping, dry run, progress, report,
and the export. Thin: the engine (imports/services.py) reads files, checks mappings and rows,
writes records and audits; these views show its state and pass the coordinator's choices on."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baanbrekers.access import get_visible_or_404, is_coordinator
from baanbrekers.forms import ConfirmForm
from baanbrekers.uploads import upload_too_large
from baanbrekers.viewtools import apply_service_errors, user_passes

from . import exports, services
from .forms import ExportForm, ImportConfirmForm, MappingForm, UploadForm
from .models import FINAL_STATUSES, RUNNING_STATUSES, ImportJob, ImportLayout, ImportStatus

coordinator_required = user_passes(is_coordinator)

# How many errors and sample rows a page shows; the counts above them say how many there are.
ISSUES_SHOWN = 200
SAMPLE_ROWS = 20
JOBS_SHOWN = 50

FINISHED = set(FINAL_STATUSES)
RUNNING = set(RUNNING_STATUSES)


def _job(request, pk) -> ImportJob:
    return get_visible_or_404(ImportJob.objects.visible_to(request.user), pk)


def _next_page(job: ImportJob) -> str:
    """Where a job in this state is looked at."""
    if job.status in RUNNING:
        return reverse("imports:progress", args=[job.pk])
    if job.status == ImportStatus.READY:
        return reverse("imports:preview", args=[job.pk])
    if job.status in FINISHED:
        return reverse("imports:report", args=[job.pk])
    return reverse("imports:mapping", args=[job.pk])


@never_cache
@require_GET
@coordinator_required
def index(request):
    jobs = (
        ImportJob.objects.visible_to(request.user)
        .select_related("created_by")
        .order_by("-created_at")[:JOBS_SHOWN]
    )
    return render(
        request,
        "imports/index.html",
        {"jobs": [(job, _next_page(job)) for job in jobs], "form": UploadForm()},
    )


@csrf_exempt  # only for a body refused unread (no CSRF token in it): see _upload
@require_http_methods(["GET", "POST"])
@coordinator_required
def upload(request):
    if request.method == "POST" and upload_too_large(request):
        # baanbrekers.uploads stopped storing the file at IMPORT_MAX_BYTES (or read none of it):
        # the form and its token may be missing. Nothing changes, so no CSRF check is needed.
        form = UploadForm(request.POST, {})
        form.full_clean()
        form.errors["file"] = form.error_class(services.upload_too_large_error().messages)
        return render(request, "imports/upload.html", {"form": form}, status=413)
    return _upload(request)


@csrf_protect
def _upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_upload(
                user=request.user,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("imports:mapping", pk=job.pk)
    status = 400 if form.errors else 200
    return render(request, "imports/upload.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@coordinator_required
def mapping(request, pk):
    job = _job(request, pk)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.MAPPING, ImportStatus.READY):
        return redirect(_next_page(job))
    form = MappingForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_mapping_set(
                user=request.user,
                job=job,
                mapping=form.mapping(),
                value_mapping=form.value_mapping(),
                layout_name=form.cleaned_data["layout_name"] or None,
            )
            services.import_dry_run_start(user=request.user, job=job)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            job.refresh_from_db()
            return redirect(_next_page(job))
    return render(
        request,
        "imports/mapping.html",
        {"job": job, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@require_GET
@coordinator_required
def preview(request, pk):
    job = _job(request, pk)
    if job.status != ImportStatus.READY:
        return redirect(_next_page(job))
    issues = job.issues.all()
    counts = {"create": 0, "update": 0, "skip": 0, "error": 0, **(job.counts or {})}
    return render(
        request,
        "imports/preview.html",
        {
            "job": job,
            "counts": counts,
            "issues": issues[:ISSUES_SHOWN],
            "issue_count": issues.count(),
            "issues_shown": ISSUES_SHOWN,
            "rows": job.results.all()[:SAMPLE_ROWS],
            "can_confirm": job.can_confirm,
            "can_skip_errors": job.can_confirm_skipping_errors,
            "confirm_form": ImportConfirmForm(),
        },
    )


@require_POST
@coordinator_required
def confirm(request, pk):
    job = _job(request, pk)
    form = ImportConfirmForm(request.POST)
    skip = form.is_valid() and form.cleaned_data["skip_error_rows"]
    try:
        services.import_confirm(user=request.user, job=job, skip_error_rows=skip)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    job.refresh_from_db()
    return redirect(_next_page(job))


@never_cache
@require_GET
@coordinator_required
def progress(request, pk):
    job = _job(request, pk)
    running = job.status in RUNNING
    if request.htmx:
        response = render(request, "imports/_progress.html", {"job": job, "running": running})
        if not running:
            # Finished: htmx takes the whole browser to the result.
            response["HX-Redirect"] = _next_page(job)
        return response
    if not running:
        return redirect(_next_page(job))
    return render(request, "imports/progress.html", {"job": job, "running": running})


@require_http_methods(["GET", "POST"])
@coordinator_required
def cancel(request, pk):
    """Stopping an import is confirmed first (without JavaScript), like every cancel."""
    job = _job(request, pk)
    if job.status in FINISHED:
        return redirect(_next_page(job))
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        label=_("Yes, stop this import"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.import_cancel(user=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_next_page(job))
        messages.success(request, _("The import has been stopped; nothing was saved."))
        return redirect("imports:index")
    consequences = [_("Nothing from this file is saved; the uploaded file is deleted.")]
    if job.status == ImportStatus.IMPORTING:
        consequences.append(_("Records already being written are rolled back."))
    return render(
        request,
        "confirm.html",
        {
            "title": _("Stop the import of %(name)s?") % {"name": job.filename},
            "consequences": consequences,
            "form": form,
            "submit_label": _("Stop the import"),
            "back_url": _next_page(job),
        },
    )


@never_cache
@require_GET
@coordinator_required
def report(request, pk):
    job = _job(request, pk)
    if job.status not in FINISHED:
        return redirect(_next_page(job))
    counts = {"create": 0, "update": 0, "skip": 0, "error": 0, **(job.counts or {})}
    return render(
        request,
        "imports/report.html",
        {
            "job": job,
            "counts": counts,
            "report": job.report or {},
            "issues": job.issues.all()[:ISSUES_SHOWN],
        },
    )


@sensitive_post_parameters("reason")
@require_http_methods(["GET", "POST"])
@coordinator_required
def export(request):
    may_export_bsn = exports.may_export_bsn(request.user)
    layouts = ImportLayout.objects.order_by("kind", "name")
    form = ExportForm(request.POST or None, layouts=layouts, may_export_bsn=may_export_bsn)
    if request.method == "POST" and form.is_valid():
        try:
            # Audited by the engine before the first row is written.
            response = exports.export_response(
                user=request.user,
                kind=form.cleaned_data["kind"],
                file_format=form.cleaned_data["fmt"],
                layout=form.cleaned_data["layout"],
                include_bsn=bool(form.cleaned_data.get("include_bsn")),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "imports/export.html",
        {"form": form, "may_export_bsn": may_export_bsn},
        status=400 if form.errors else 200,
    )
