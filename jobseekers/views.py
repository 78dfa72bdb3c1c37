"""Caseworkers' pages for job seekers. Thin: access helpers decide who sees what, services write."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baanbrekers.access import works_in_back_office
from baanbrekers.listing import paginate

from . import services
from .access import jobseeker_for_user
from .forms import (
    BsnSearchForm,
    ConsentForm,
    JobSeekerForm,
    NoteForm,
    municipality_choices,
    split_names,
    staff_choices,
)
from .models import JobSeekerStatus
from .selectors import JobSeekerFilters, jobseeker_list, jobseeker_timeline, looks_like_bsn


def back_office_only(view):
    """Logged in as caseworker or coordinator; aldermen and employer contacts are refused."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not works_in_back_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _list_context(request, *, bsn_form=None, bsn_not_found: bool = False) -> dict:
    filters = JobSeekerFilters.from_params(request.GET)
    qs, sort = jobseeker_list(user=request.user, filters=filters, sort=request.GET.get("sort"))
    return {
        "page": paginate(request, qs),
        "filters": filters,
        "sort": sort,
        "municipalities": municipality_choices(request.user),
        "caseworkers": staff_choices(request.user),
        "statuses": JobSeekerStatus.choices,
        "ladder_steps": range(1, 7),
        "bsn_form": bsn_form or BsnSearchForm(),
        "bsn_not_found": bsn_not_found,
    }


@require_GET
@back_office_only
def jobseeker_list_view(request):
    if looks_like_bsn(request.GET.get("q", "")):
        # A BSN does not belong in an address (history, access logs): drop it and point to the
        # BSN search, which posts. (static/js/jobseekers.js reroutes it before it gets here.)
        messages.warning(request, _("To find someone by BSN, use the BSN search field."))
        query = request.GET.copy()
        query.pop("q")
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
    return render(request, "jobseekers/list.html", _list_context(request))


@sensitive_post_parameters("bsn")
@sensitive_variables("form")
@require_POST
@back_office_only
def bsn_search(request):
    """Exact BSN search as a POST, so the BSN never lands in a URL, history or access log."""
    form = BsnSearchForm(request.POST)
    if form.is_valid():
        found = services.jobseeker_find_by_bsn(
            user=request.user, bsn=form.cleaned_data["bsn"], request=request
        )
        if found:
            return redirect("jobseekers:detail", pk=found.pk)
        # A fresh form: the BSN that was looked for is not written back into the page.
        return render(request, "jobseekers/list.html", _list_context(request, bsn_not_found=True))
    return render(request, "jobseekers/list.html", _list_context(request, bsn_form=form))


def _detail_context(request, jobseeker, **extra) -> dict:
    return {
        "jobseeker": jobseeker,
        "timeline": jobseeker_timeline(jobseeker),
        "consents": jobseeker.consents.all(),
        "note_form": NoteForm(),
        "consent_form": ConsentForm(),
        "today": timezone.localdate(),
        **extra,
    }


@never_cache
@require_GET
@back_office_only
def jobseeker_detail(request, pk):
    jobseeker = jobseeker_for_user(request.user, pk)
    services.jobseeker_view(jobseeker=jobseeker, user=request.user, request=request)
    prefetch_related_objects([jobseeker], "caseworker", "skills", "interests")
    return render(request, "jobseekers/detail.html", _detail_context(request, jobseeker))


@never_cache
@require_POST
@back_office_only
def jobseeker_reveal_bsn(request, pk):
    """The "show BSN" button: logs the reveal, then swaps the value in (htmx) or shows the page."""
    jobseeker = jobseeker_for_user(request.user, pk)
    with transaction.atomic():
        bsn = services.jobseeker_reveal_bsn(jobseeker=jobseeker, user=request.user, request=request)
    if request.htmx:
        return render(request, "jobseekers/_bsn.html", {"jobseeker": jobseeker, "bsn": bsn})
    return render(
        request, "jobseekers/detail.html", _detail_context(request, jobseeker, revealed_bsn=bsn)
    )


@sensitive_post_parameters("bsn")
@require_http_methods(["GET", "POST"])
@back_office_only
def jobseeker_create(request):
    form = JobSeekerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            jobseeker = services.jobseeker_create(
                user=request.user,
                bsn=form.cleaned_data["bsn"],
                data=form.service_data(),
                skill_names=split_names(form.cleaned_data["skills"]),
                interest_names=split_names(form.cleaned_data["interests"]),
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The job seeker's file has been created."))
            return redirect("jobseekers:detail", pk=jobseeker.pk)
    return render(request, "jobseekers/form.html", {"form": form})


@never_cache
@sensitive_post_parameters("bsn")
@require_http_methods(["GET", "POST"])
@back_office_only
def jobseeker_update(request, pk):
    jobseeker = jobseeker_for_user(request.user, pk)
    if request.method == "GET":
        # The form shows the whole file, like the detail page: the view is logged too.
        services.jobseeker_view(jobseeker=jobseeker, user=request.user, request=request)
    form = JobSeekerForm(request.POST or None, instance=jobseeker, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.jobseeker_update(
                jobseeker=jobseeker,
                user=request.user,
                bsn=form.cleaned_data["bsn"],
                data=form.service_data(),
                skill_names=split_names(form.cleaned_data["skills"]),
                interest_names=split_names(form.cleaned_data["interests"]),
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("jobseekers:detail", pk=jobseeker.pk)
    return render(request, "jobseekers/form.html", {"form": form, "jobseeker": jobseeker})


@require_POST
@back_office_only
def note_add(request, pk):
    """The note form in place: htmx gets the refreshed timeline, others the page again."""
    jobseeker = jobseeker_for_user(request.user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(
                jobseeker=jobseeker,
                text=form.cleaned_data["text"],
                author=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = NoteForm()
            if not request.htmx:
                messages.success(request, _("The note has been added."))
                return redirect("jobseekers:detail", pk=jobseeker.pk)
    context = {"jobseeker": jobseeker, "timeline": jobseeker_timeline(jobseeker), "note_form": form}
    if request.htmx:
        return render(request, "jobseekers/_timeline.html", context)
    return render(
        request, "jobseekers/detail.html", _detail_context(request, jobseeker, note_form=form)
    )


@require_POST
@back_office_only
def consent_add(request, pk):
    jobseeker = jobseeker_for_user(request.user, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_give(
                jobseeker=jobseeker, user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The consent has been recorded."))
            return redirect("jobseekers:detail", pk=jobseeker.pk)
    return render(
        request, "jobseekers/detail.html", _detail_context(request, jobseeker, consent_form=form)
    )


@require_POST
@back_office_only
def consent_withdraw(request, pk, consent_pk):
    jobseeker = jobseeker_for_user(request.user, pk)
    consent = get_object_or_404(jobseeker.consents, pk=consent_pk)
    services.consent_withdraw(consent=consent, user=request.user, request=request)
    messages.success(request, _("The consent has been withdrawn."))
    return redirect("jobseekers:detail", pk=jobseeker.pk)
