"""Back-office pages of the employers' file (caseworkers and coordinators).

Every employer, opening, contact and tip is fetched through ``employers.access``: another
municipality's record is a 404. Aldermen and employer contacts have their own views (visit
briefings, the portal) and get a 403 here.
"""

from __future__ import annotations

import html

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from baanbrekers.access import get_visible_or_404
from baanbrekers.listing import COUNT_CAP, paginate
from baanbrekers.viewtools import apply_service_errors, back_office_required, staff_ids_redirect

from . import services
from .access import (
    contact_for_user,
    employer_for_user,
    may_work_in,
    opening_for_user,
    referral_for_user,
)
from .forms import (
    CompetenceMappingForm,
    ContactMomentForm,
    EmployerContactForm,
    EmployerFilterForm,
    EmployerForm,
    OpeningForm,
    ReferralForm,
)
from .models import Employer, EmployerStatus
from .selectors import (
    EMPLOYER_SORTING,
    EmployerFilters,
    employer_detail,
    employer_rows,
    employer_search,
    employer_timeline,
    valued_skill_names,
)
from .timeline import employer_file_context

_URL_ID = 987654321


def _list_rows(employers) -> list[dict]:
    """A page's rows as plain values for the template: a dict key is the template's cheapest
    lookup, and links and labels are made here once instead of by tags and method calls per
    row (at 100 rows the template's per-row work cost several times the page's SQL)."""
    statuses = {value: str(label) for value, label in EmployerStatus.choices}
    skills = valued_skill_names([employer.pk for employer in employers])
    # One reverse() for the page: the detail address is the same around the id.
    url_head, url_tail = reverse("employers:detail", args=[_URL_ID]).rsplit(str(_URL_ID), 1)
    rows = []
    for employer in employers:
        owner = employer.relationship_owner
        municipality = employer.municipality.name
        last_contact = employer.last_contact_at
        rows.append(
            {
                "url": f"{url_head}{employer.pk}{url_tail}",
                "name": employer.trade_name,
                "skills": skills.get(employer.pk, [])[:4],
                "kvk_number": employer.kvk_number,
                "municipality": municipality,
                # The place under the municipality when it has another name.
                "city": employer.city if employer.city != municipality else "",
                "sector": employer.sector.label if employer.sector_id else "",
                "status": employer.status,
                "status_label": statuses.get(employer.status, employer.status),
                "owner": str(owner) if owner is not None else "",
                "open_openings": employer.open_openings,
                "last_contact": date_format(template_localtime(last_contact))
                if last_contact
                else "",
            }
        )
    return rows


def _rows_html(rows: list[dict]) -> SafeString:
    """The table body of ``_list_rows``'s rows, as employers/_rows.html writes it (the reference:
    a test compares the two), in Python: at 25 to 100 rows the template's node, lookup and
    escape per cell was most of the page's CPU. Every value is escaped as the template does."""
    esc = html.escape
    parts = []
    for row in rows:
        skills = ""
        if row["skills"]:
            tags = "".join(f'<li class="bb-tag">{esc(str(skill))}</li>' for skill in row["skills"])
            skills = f'\n          <ul class="bb-tags bb-tags--small">{tags}</ul>\n        '
        city = f'<br><span class="bb-muted">{esc(row["city"])}</span>' if row["city"] else ""
        parts.append(
            "\n    <tr>\n      <td>\n"
            f'        <a class="utrecht-link" href="{esc(row["url"])}">{esc(row["name"])}</a>\n'
            f"        {skills}\n      </td>\n"
            f"      <td>{esc(row['kvk_number'])}</td>\n"
            f"      <td>{esc(row['municipality'])}{city}</td>\n"
            f"      <td>{esc(row['sector'] or '—')}</td>\n"
            f'      <td><span class="bb-status bb-status--{esc(row["status"])}">'
            f"{esc(row['status_label'])}</span></td>\n"
            f"      <td>{esc(row['owner'] or '—')}</td>\n"
            f"      <td>{esc(str(row['open_openings']))}</td>\n"
            f"      <td>{esc(row['last_contact'] or '—')}</td>\n"
            "    </tr>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


@back_office_required
@require_http_methods(["GET"])
def employer_list_view(request):
    form = EmployerFilterForm(request.GET or None, user=request.user)
    filters = EmployerFilters()
    if form.is_bound:
        # Field by field: a filter that did not resolve (an owner typed that names several
        # colleagues or none) is left out and shows its error; the others still apply, as
        # their boxes say.
        form.is_valid()
        if canonical := staff_ids_redirect(request, form):
            return canonical  # the owner by id, not by the name and address typed
        data = form.cleaned_data
        filters = EmployerFilters(
            q=data.get("q") or "",
            municipality=data.get("municipality"),
            status=data.get("status") or "",
            sector=data.get("sector"),
            owner=data.get("owner"),
            skill=data.get("skill") or "",
        )
    qs = employer_rows(
        employer_search(Employer.objects.visible_to(request.user), filters, user=request.user)
    )
    qs, sort = EMPLOYER_SORTING.apply(qs, request.GET.get("sort"))
    page = paginate(request, qs, cap=COUNT_CAP)
    rows = _list_rows(page.object_list)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "rows_html": _rows_html(rows),
        "sort": sort,
    }
    # The filter form swaps only the results; a history restore needs the whole page.
    if request.htmx and not (request.htmx.boosted or request.htmx.history_restore_request):
        return render(request, "employers/_results.html", context)
    return render(request, "employers/list.html", context)


@back_office_required
@require_http_methods(["GET", "POST"])
def employer_create_view(request):
    form = EmployerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.employer_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Employer %(name)s registered.") % {"name": employer})
            return redirect("employers:detail", pk=employer.pk)
    return render(
        request,
        "employers/employer_form.html",
        {"form": form, "title": _("New employer"), "cancel_url": reverse("employers:list")},
    )


def _detail_context(request, employer, moment_form=None, *, with_file: bool = True) -> dict:
    context = {
        "employer": employer,
        "timeline": employer_timeline(employer),
        "moment_form": moment_form or ContactMomentForm(),
    }
    if with_file:
        # Visits, clicks, proposals, placements, jobs and open follow-ups, contributed by the
        # apps that own them (employers/timeline.py), each within what the user may see.
        context.update(employer_file_context(employer, request.user))
    return context


@back_office_required
@require_http_methods(["GET"])
def employer_detail_view(request, pk):
    employer = get_visible_or_404(employer_detail(Employer.objects.visible_to(request.user)), pk)
    return render(request, "employers/detail.html", _detail_context(request, employer))


@back_office_required
@require_http_methods(["GET", "POST"])
def employer_edit_view(request, pk):
    employer = employer_for_user(request.user, pk)
    form = EmployerForm(request.POST or None, instance=employer, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        valued_skills = data.pop("valued_skills")
        try:
            services.employer_update(
                employer=employer,
                updated_by=request.user,
                valued_skills=valued_skills,
                **data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("employers:detail", pk=employer.pk)
    return render(
        request,
        "employers/employer_form.html",
        {
            "form": form,
            "employer": employer,
            "title": _("Edit %(name)s") % {"name": employer.trade_name},
            "cancel_url": reverse("employers:detail", args=[employer.pk]),
        },
    )


@back_office_required
@require_POST
def contact_moment_create_view(request, pk):
    """Records a contact moment. With htmx it answers with the timeline fragment (form and
    list); without JavaScript it redirects back to the employer page."""
    employer = employer_for_user(request.user, pk)
    form = ContactMomentForm(request.POST)
    if form.is_valid():
        services.contact_moment_record(employer=employer, author=request.user, **form.cleaned_data)
        if request.htmx:
            return render(
                request,
                "employers/_timeline.html",
                _detail_context(request, employer, with_file=False),
            )
        messages.success(request, _("Contact moment recorded."))
        return redirect(reverse("employers:detail", args=[employer.pk]) + "#timeline")
    if request.htmx:
        return render(
            request,
            "employers/_timeline.html",
            _detail_context(request, employer, form, with_file=False),
        )
    employer = get_visible_or_404(
        employer_detail(Employer.objects.visible_to(request.user)), employer.pk
    )
    return render(
        request, "employers/detail.html", _detail_context(request, employer, form), status=400
    )


def _simple_form(request, form, *, title, employer, cancel_url=None):
    return render(
        request,
        "employers/simple_form.html",
        {
            "form": form,
            "title": title,
            "employer": employer,
            "cancel_url": cancel_url or reverse("employers:detail", args=[employer.pk]),
        },
    )


@back_office_required
@require_http_methods(["GET", "POST"])
def contact_create_view(request, pk):
    employer = employer_for_user(request.user, pk)
    form = EmployerContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.employer_contact_create(
            employer=employer, created_by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Contact person added."))
        return redirect(reverse("employers:detail", args=[employer.pk]) + "#contacts")
    return _simple_form(request, form, title=_("New contact person"), employer=employer)


@back_office_required
@require_http_methods(["GET", "POST"])
def contact_edit_view(request, pk, contact_pk):
    employer = employer_for_user(request.user, pk)
    contact = contact_for_user(request.user, contact_pk, employer=employer)
    form = EmployerContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.employer_contact_update(
            contact=contact, updated_by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Changes saved."))
        return redirect(reverse("employers:detail", args=[employer.pk]) + "#contacts")
    return _simple_form(
        request, form, title=_("Edit %(name)s") % {"name": contact.name}, employer=employer
    )


@back_office_required
@require_http_methods(["GET", "POST"])
def opening_create_view(request, pk):
    employer = employer_for_user(request.user, pk)
    form = OpeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opening_create(employer=employer, created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Opening added."))
            return redirect(reverse("employers:detail", args=[employer.pk]) + "#openings")
    return _simple_form(request, form, title=_("New opening"), employer=employer)


@back_office_required
@require_http_methods(["GET", "POST"])
def opening_edit_view(request, pk, opening_pk):
    employer = employer_for_user(request.user, pk)
    opening = opening_for_user(request.user, opening_pk, employer=employer)
    form = OpeningForm(request.POST or None, instance=opening)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        competences = data.pop("competences")
        try:
            services.opening_update(
                opening=opening, updated_by=request.user, competences=competences, **data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(reverse("employers:detail", args=[employer.pk]) + "#openings")
    return _simple_form(
        request, form, title=_("Edit %(name)s") % {"name": opening.title}, employer=employer
    )


@back_office_required
@require_POST
def opening_close_view(request, pk, opening_pk):
    employer = employer_for_user(request.user, pk)
    opening = opening_for_user(request.user, opening_pk, employer=employer)
    try:
        services.opening_close(
            opening=opening, closed_by=request.user, filled=request.POST.get("filled") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Opening %(title)s closed.") % {"title": opening.title})
    return redirect(reverse("employers:detail", args=[employer.pk]) + "#openings")


@back_office_required
@require_POST
def opening_reopen_view(request, pk, opening_pk):
    employer = employer_for_user(request.user, pk)
    opening = opening_for_user(request.user, opening_pk, employer=employer)
    try:
        services.opening_reopen(opening=opening, reopened_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Opening %(title)s is open again.") % {"title": opening.title})
    return redirect(reverse("employers:detail", args=[employer.pk]) + "#openings")


@back_office_required
@require_http_methods(["GET", "POST"])
def opening_competences_view(request, pk, opening_pk):
    """Staff map the employer's suggested words onto the shared vocabulary."""
    employer = employer_for_user(request.user, pk)
    opening = opening_for_user(request.user, opening_pk, employer=employer)
    form = CompetenceMappingForm(request.POST or None, opening=opening)
    if request.method == "POST" and form.is_valid():
        services.opening_competences_map(
            opening=opening, mapped_by=request.user, mapping=form.mapping()
        )
        messages.success(request, _("The suggested competences have been handled."))
        return redirect(reverse("employers:detail", args=[employer.pk]) + "#openings")
    return _simple_form(
        request,
        form,
        title=_("Competences suggested for %(title)s") % {"title": opening.title},
        employer=employer,
    )


@back_office_required
@require_http_methods(["GET", "POST"])
def referral_create_view(request, pk):
    employer = employer_for_user(request.user, pk)
    form = ReferralForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_record(
                referring_employer=employer, recorded_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Tip recorded."))
            return redirect(reverse("employers:detail", args=[employer.pk]) + "#referrals")
    return _simple_form(
        request,
        form,
        title=_("Tip from %(name)s") % {"name": employer.trade_name},
        employer=employer,
    )


@back_office_required
@require_http_methods(["GET", "POST"])
def referral_edit_view(request, pk, referral_pk):
    employer = employer_for_user(request.user, pk)
    referral = referral_for_user(request.user, referral_pk, employer=employer)
    form = ReferralForm(request.POST or None, instance=referral, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_update(
                referral=referral, updated_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(reverse("employers:detail", args=[employer.pk]) + "#referrals")
    return _simple_form(
        request,
        form,
        title=_("Tip about %(name)s") % {"name": referral.company_name},
        employer=employer,
    )


@back_office_required
@require_POST
def referral_convert_view(request, pk, referral_pk):
    """One click: the tip becomes a prospect, and the caseworker lands on its page."""
    employer = employer_for_user(request.user, pk)
    referral = referral_for_user(request.user, referral_pk, employer=employer)
    municipality = referral.municipality or employer.municipality
    if not may_work_in(request.user, municipality):
        # The prospect would land outside the user's own municipalities, out of their sight.
        messages.error(
            request,
            _("The tipped company is in %(municipality)s, where you do not work.")
            % {"municipality": municipality},
        )
        return redirect(reverse("employers:detail", args=[employer.pk]) + "#referrals")
    try:
        prospect = services.referral_convert_to_prospect(
            referral=referral, converted_by=request.user
        )
    except services.ReferralNotConvertible as exc:
        messages.error(request, " ".join(exc.messages))
        if exc.existing is not None:
            try:
                existing = employer_for_user(request.user, exc.existing.pk)
            except Http404:
                existing = None
            if existing is not None:
                return redirect("employers:detail", pk=existing.pk)
        return redirect(reverse("employers:detail", args=[employer.pk]) + "#referrals")
    messages.success(
        request, _("%(name)s is now a prospect. Complete its story.") % {"name": prospect}
    )
    return redirect("employers:detail", pk=prospect.pk)


@back_office_required
@require_POST
def referral_decline_view(request, pk, referral_pk):
    employer = employer_for_user(request.user, pk)
    referral = referral_for_user(request.user, referral_pk, employer=employer)
    try:
        services.referral_decline(referral=referral, declined_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Tip set aside."))
    return redirect(reverse("employers:detail", args=[employer.pk]) + "#referrals")
