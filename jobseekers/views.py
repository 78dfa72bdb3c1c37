"""Caseworkers' pages for job seekers. Thin: access helpers decide who sees what, services write."""

from __future__ import annotations

import html
from dataclasses import replace
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baanbrekers.access import (
    is_coordinator,
    municipality_ids,
    sees_all_municipalities,
    works_in_back_office,
)
from baanbrekers.api.throttles import rate_limit_wait, too_many_attempts_message
from baanbrekers.forms import ConfirmForm
from baanbrekers.listing import COUNT_CAP, paginate
from baanbrekers.services import audit_list_record
from baanbrekers.viewtools import staff_ids_redirect, user_passes
from baanbrekers.widgets import option_tags

from . import export, services
from .access import jobseeker_for_user
from .forms import (
    BsnSearchForm,
    CaseworkerFilterForm,
    ConsentForm,
    JobSeekerForm,
    NoteForm,
    StatusChangeForm,
    municipality_choices,
    split_names,
)
from .models import JobSeeker, JobSeekerStatus
from .selectors import (
    JobSeekerFilters,
    file_consents,
    jobseeker_list_page,
    jobseeker_words,
    looks_like_bsn,
)
from .timeline import jobseeker_file_context


def back_office_only(view):
    """Logged in as caseworker or coordinator; aldermen and employer contacts are refused."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not works_in_back_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# One row of the list's table, exactly as the template wrote it per row before (the markup is
# unchanged). At 100 rows the template engine's work per cell (a node, a lookup and an escape
# each) cost more than the page's SQL; formatted here it is one escaped string per row.
_LIST_ROW = (
    "\n      <tr>\n"
    '        <td><a class="utrecht-link" href="{url}">{name}</a></td>\n'
    '        <td class="bb-nowrap">{masked_bsn}</td>\n'
    '        <td class="bb-nowrap">{postcode}</td>\n'
    "        <td>{municipality}</td>\n"
    "        <td>{ladder_step}</td>\n"
    "        <td>{status}</td>\n"
    "        <td>\n"
    '          <ul class="bb-tags">\n'
    "            {skills}\n"
    "            {interests}\n"
    "          </ul>\n"
    "        </td>\n"
    "        <td>{caseworker}</td>\n"
    "      </tr>\n    "
)
_SKILL = '<li class="bb-tag">{}</li>'
_INTEREST = '<li class="bb-tag bb-tag--interest">{}</li>'
# A number no job seeker has, replaced in one reversed URL instead of reversing one per row.
_PK_PLACEHOLDER = 987654321


# Masked BSNs by their encrypted value, per process: a list's pages are shown again and again
# (the first page most of all) and each masked value took a decryption. Only what the page shows
# ("*****1234") is kept, never a BSN; a changed BSN or a re-encrypted one is another key.
_MASKED_BSNS: dict[str, str] = {}
_MASKED_BSNS_MAX = 4096


def _masked_bsn(jobseeker) -> str:
    token = jobseeker.bsn_encrypted
    masked = _MASKED_BSNS.get(token)
    if masked is None:
        if len(_MASKED_BSNS) >= _MASKED_BSNS_MAX:
            _MASKED_BSNS.clear()
        masked = _MASKED_BSNS[token] = jobseeker.masked_bsn
    return masked


def _list_rows(jobseekers) -> SafeString:
    """A page's rows as the table body's HTML (``_LIST_ROW``), with the skills and interests of
    the whole page read in one query.

    Every value is a plain string escaped with ``html.escape``, which is what Django's
    ``escape`` does (``format_html`` would do the same at several times the cost per value)."""
    statuses = {value: str(label) for value, label in JobSeekerStatus.choices}
    words = jobseeker_words([js.pk for js in jobseekers])
    url = reverse("jobseekers:detail", args=[_PK_PLACEHOLDER])
    placeholder = str(_PK_PLACEHOLDER)
    rows = []
    for js in jobseekers:
        skills, interests = words.get(js.pk, ([], []))
        rows.append(
            _LIST_ROW.format(
                url=html.escape(url.replace(placeholder, str(js.pk))),
                name=html.escape(f"{js.last_name}, {js.first_name}"),
                masked_bsn=html.escape(_masked_bsn(js)),
                postcode=html.escape(js.postcode),
                municipality=html.escape(js.municipality.name),
                ladder_step=html.escape(str(js.ladder_step)),
                status=html.escape(statuses.get(js.status, js.status)),
                skills="".join(_SKILL.format(html.escape(name)) for name in skills),
                interests="".join(_INTEREST.format(html.escape(name)) for name in interests),
                caseworker=html.escape(str(js.caseworker)) if js.caseworker_id else "—",
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped above


def _municipality_pairs(user) -> list[tuple[int, str]]:
    """The municipality filter's (id, name) pairs. A caseworker's own municipalities were read
    with the list's scope (``access.municipality_ids`` keeps them on the user object) and are
    not asked again; a coordinator's (every municipality) are read as values."""
    if sees_all_municipalities(user):
        return list(municipality_choices(user).values_list("pk", "name"))
    municipality_ids(user)  # the user's own, read once per user object (and kept there)
    return [(municipality.pk, municipality.name) for municipality in municipality_choices(user)]


# The blank BSN search form per language: the same markup on every page, rendered once per
# process (a form rendered field by field through the template engine cost a millisecond).
_BLANK_BSN_FORM: dict[str, SafeString] = {}


def _blank_bsn_form_html() -> SafeString:
    language = get_language()
    html = _BLANK_BSN_FORM.get(language)
    if html is None:
        html = _BLANK_BSN_FORM[language] = render_to_string(
            "includes/form_fields.html", {"form": BsnSearchForm()}
        )
    return html


def _list_context(
    request, *, caseworker_filter=None, bsn_form=None, bsn_not_found: bool = False
) -> dict:
    if caseworker_filter is None:
        caseworker_filter = CaseworkerFilterForm(request.GET or None, user=request.user)
    filters = replace(
        JobSeekerFilters.from_params(request.GET), caseworker=caseworker_filter.caseworker_id()
    )
    qs, sort = jobseeker_list_page(user=request.user, filters=filters, sort=request.GET.get("sort"))
    # A broad search of a coordinator matches most of the country: count to the cap only.
    page = paginate(request, qs, cap=COUNT_CAP)
    # Names, postcodes and masked BSNs of a whole page: which ids were shown is audited.
    audit_list_record(
        actor=request.user,
        model=JobSeeker,
        ids=[jobseeker.pk for jobseeker in page.object_list],
        source="page",
        page=page.number,
        request=request,
    )
    return {
        "page": page,
        "rows": _list_rows(page.object_list),
        "filters": filters,
        "sort": sort,
        # A coordinator's selects list every municipality and caseworker.
        "municipality_options": option_tags(
            (pk, name, pk == filters.municipality) for pk, name in _municipality_pairs(request.user)
        ),
        "caseworker_filter": caseworker_filter,
        "status_options": option_tags(
            (value, str(label), value == filters.status) for value, label in JobSeekerStatus.choices
        ),
        "ladder_options": option_tags(
            (step, str(step), step == filters.ladder_step) for step in range(1, 7)
        ),
        "bsn_form": bsn_form,
        "bsn_form_html": None if bsn_form else _blank_bsn_form_html(),
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
    caseworker_filter = CaseworkerFilterForm(request.GET or None, user=request.user)
    if caseworker_filter.is_valid() and (
        canonical := staff_ids_redirect(request, caseworker_filter)
    ):
        return canonical  # the caseworker by id, not by the name and address typed
    return render(
        request, "jobseekers/list.html", _list_context(request, caseworker_filter=caseworker_filter)
    )


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
    if jobseeker.anonymised_on:
        # An anonymised file shows no timeline, next steps or forms: none is gathered.
        file_context = {"timeline": [], "file_actions": []}
        forms = {}
    else:
        # One timeline of everything about the person, and the next steps: contributed by the
        # apps that own them (jobseekers/timeline.py), each within what the user may see.
        file_context = jobseeker_file_context(jobseeker, request.user)
        forms = {"note_form": NoteForm(), "consent_form": ConsentForm()}
    # Skills and interests as names, both in one statement (as the list reads them).
    skill_names, interest_names = jobseeker_words([jobseeker.pk]).get(jobseeker.pk, ([], []))
    return {
        "jobseeker": jobseeker,
        **file_context,
        "skill_names": skill_names,
        "interest_names": interest_names,
        "consents": jobseeker.consents.all(),
        **forms,
        "today": timezone.localdate(),
        **extra,
    }


@never_cache
@require_GET
@back_office_only
def jobseeker_detail(request, pk):
    jobseeker = jobseeker_for_user(request.user, pk, related=("caseworker",))
    services.jobseeker_view(jobseeker=jobseeker, user=request.user, request=request)
    # The consents, with who recorded them, serve the consents table, the timeline's consent
    # entries and its "sign up for a visit" action: one query for the three.
    prefetch_related_objects([jobseeker], file_consents())
    return render(request, "jobseekers/detail.html", _detail_context(request, jobseeker))


@never_cache
@require_POST
@back_office_only
def jobseeker_reveal_bsn(request, pk):
    """The "show BSN" button: logs the reveal, then swaps the value in (htmx) or shows the page."""
    jobseeker = jobseeker_for_user(request.user, pk)
    wait = rate_limit_wait(request, "bsn_reveal")
    if wait is not None:
        services.jobseeker_reveal_bsn_refused(
            jobseeker=jobseeker, user=request.user, reason="too many reveals", request=request
        )
        message = too_many_attempts_message(wait)
        if request.htmx:
            # htmx swaps only successful answers: the refusal replaces the button in place.
            response = render(
                request, "jobseekers/_bsn.html", {"jobseeker": jobseeker, "refused": message}
            )
            response["Retry-After"] = str(wait)
            return response
        messages.error(request, message)
        response = render(
            request, "jobseekers/detail.html", _detail_context(request, jobseeker), status=429
        )
        response["Retry-After"] = str(wait)
        return response
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
    context = {
        "jobseeker": jobseeker,
        "note_form": form,
        **jobseeker_file_context(jobseeker, request.user),
    }
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


@require_http_methods(["GET", "POST"])
@back_office_only
def consent_withdraw(request, pk, consent_pk):
    """A confirmation page first, with a box to tick (works without JavaScript)."""
    jobseeker = jobseeker_for_user(request.user, pk)
    consent = get_object_or_404(jobseeker.consents, pk=consent_pk)
    if consent.withdrawn_on:
        return redirect("jobseekers:detail", pk=jobseeker.pk)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        label=_("Yes, withdraw this consent"),
    )
    if request.method == "POST" and form.is_valid():
        services.consent_withdraw(consent=consent, user=request.user, request=request)
        messages.success(request, _("The consent has been withdrawn."))
        return redirect("jobseekers:detail", pk=jobseeker.pk)
    return render(
        request,
        "confirm.html",
        {
            "title": _("Withdraw the consent of %(name)s?") % {"name": jobseeker},
            "consequences": [
                _("Consent: %(kind)s.") % {"kind": consent.get_kind_display()},
                _(
                    "From today nothing that needs this consent happens any more; what was "
                    "already shared stays on record."
                ),
                _("To undo it, record a new consent."),
            ],
            "form": form,
            "submit_label": _("Withdraw the consent"),
            "back_url": reverse("jobseekers:detail", args=[jobseeker.pk]),
        },
    )


STATUS_MESSAGES = {
    "left": gettext_lazy("%(name)s has been marked as left."),
    "back_to_looking": gettext_lazy("%(name)s is looking for work again."),
}


@require_POST
@back_office_only
def jobseeker_status_change(request, pk):
    """The status by hand ("has left", "looking for work again"), through the status events:
    audited, and refused where a placement or job decides it."""
    jobseeker = jobseeker_for_user(request.user, pk)
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status change."))
        return redirect("jobseekers:detail", pk=jobseeker.pk)
    try:
        services.jobseeker_status_change(
            jobseeker=jobseeker,
            event=form.cleaned_data["event"],
            changed_by=request.user,
            on=form.cleaned_data["on"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, str(STATUS_MESSAGES[form.cleaned_data["event"]]) % {"name": jobseeker}
        )
    return redirect("jobseekers:detail", pk=jobseeker.pk)


@never_cache
@require_GET
@user_passes(is_coordinator)
def jobseeker_data_export(request, pk):
    """Everything we hold about one person, for a request under AVG article 15: JSON by
    default, a readable PDF with ``?format=pdf``. Coordinators only; audited by the service."""
    jobseeker = jobseeker_for_user(request.user, pk)
    fmt = "pdf" if request.GET.get("format") == "pdf" else "json"
    data = services.jobseeker_data_export(
        jobseeker=jobseeker, user=request.user, fmt=fmt, request=request
    )
    name = f"avg-inzage-{jobseeker.pk}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "pdf":
        response = HttpResponse(export.export_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(
            export.export_json(data), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
