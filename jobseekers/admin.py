"""Admin for coordinators: the same protections as the pages.

The encrypted BSN column and its hash are never shown, only the masked BSN; opening a file is
written to the audit log; searching by BSN is refused here (a GET would put it in the address)
and left to the job seekers page. New
files are made on the job seeker pages (which validate the BSN), not here.

A change saved here goes through ``jobseekers.services.jobseeker_update``, as on the page, so it
gets the same side effects: the audit event, and open follow-ups moving with the person to a new
caseworker. The status is read-only: it changes through the status transitions.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from baanbrekers.admin import (
    AuditedAdminMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    VisibleToAdminMixin,
)

from . import services
from .models import Consent, JobSeeker, JobSeekerNote


class ConsentInline(ReadOnlyInline):
    """Read-only here: consents are given and withdrawn on the job seeker's page, where the
    audit log and the expiry reminder are kept up to date."""

    model = Consent
    fields = ["kind", "given_on", "valid_until", "withdrawn_on", "recorded_by"]
    readonly_fields = fields


@admin.register(JobSeeker)
class JobSeekerAdmin(AuditedAdminMixin, VisibleToAdminMixin, admin.ModelAdmin):
    # Opening a file is recorded by change_view below, through the service as on the page.
    audit_change_view = False
    list_display = [
        "last_name",
        "first_name",
        "bsn_masked",
        "postcode",
        "municipality",
        "status",
        "ladder_step",
        "caseworker",
    ]
    list_filter = ["municipality", "status", "ladder_step"]
    list_select_related = ["municipality", "caseworker"]
    search_fields = ["first_name", "last_name", "postcode"]
    autocomplete_fields = ["skills", "interests"]
    raw_id_fields = ["caseworker"]
    readonly_fields = ["bsn_masked", "status", "left_on", "created_at", "updated_at"]
    exclude = ["bsn_encrypted", "bsn_hash"]
    inlines = [ConsentInline]

    @admin.display(description=_("BSN"))
    def bsn_masked(self, obj):
        return obj.masked_bsn

    def get_search_results(self, request, queryset, search_term):
        term = "".join(search_term.split())
        if term.isdigit() and len(term) == 9:
            # The admin searches with GET, which would put the BSN in the address bar, history
            # and access logs. Point to the job seekers page, whose BSN search is a POST.
            messages.warning(
                request,
                _("Search by BSN on the job seekers page: it keeps the BSN out of the address."),
            )
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                services.jobseeker_view(jobseeker=obj, user=request.user, request=request)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Only changes reach here (adding is off). The service compares with the stored row.
        changed = set(form.changed_data)
        data = {name: form.cleaned_data[name] for name in changed & set(services.EDITABLE_FIELDS)}
        names = {
            relation: [skill.name for skill in form.cleaned_data[relation]]
            for relation in ("skills", "interests")
            if relation in changed
        }
        services.jobseeker_update(
            jobseeker=obj,
            user=request.user,
            data=data,
            skill_names=names.get("skills"),
            interest_names=names.get("interests"),
            request=request,
        )

    def save_related(self, request, form, formsets, change):
        # Skills and interests were saved by the service; the inlines are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Leaving is a status; anonymising old files is the retention job's work.
        return False


@admin.register(JobSeekerNote)
class JobSeekerNoteAdmin(
    AuditedAdminMixin, VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Notes are written on the job seeker's page (audited there)."""

    list_display = ["jobseeker", "author", "created_at"]
    list_select_related = ["jobseeker", "author"]
    search_fields = ["jobseeker__last_name", "text"]
    raw_id_fields = ["jobseeker", "author"]
