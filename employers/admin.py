"""Django admin for coordinators (the admin site admits nobody else; see AdminSite).

Rows are scoped by the models' ``visible_to`` like everywhere else. Employers, their contacts,
openings, timeline and tips are read-only here: their services keep rules a bare save would skip
(the relationship owner of the employer's municipality, audited contact persons, a dormant
employer waking up on contact, converting a tip). Change them on the employer pages. Sectors are
reference data and edited here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from baanbrekers.admin import ReadOnlyAdminMixin, ReadOnlyInline, VisibleToAdminMixin

from .models import ContactMoment, Employer, EmployerContact, Opening, Referral, Sector
from .services import ADDRESS_FIELDS, COMPANY_FIELDS, CONTACT_FIELDS, OPENING_FIELDS, STORY_FIELDS


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "label"]


class EmployerContactInline(ReadOnlyInline):
    model = EmployerContact
    fields = [*CONTACT_FIELDS, "user"]


class OpeningInline(ReadOnlyInline):
    model = Opening
    fields = [*OPENING_FIELDS, "status"]
    show_change_link = True


@admin.register(Employer)
class EmployerAdmin(VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["trade_name", "kvk_number", "municipality", "sector", "status", "updated_at"]
    list_filter = ["status", "municipality", "size_class"]
    search_fields = ["trade_name", "kvk_number", "postcode", "city"]
    list_select_related = ["municipality", "sector"]
    autocomplete_fields = ["sector", "relationship_owner", "valued_skills"]
    inlines = [EmployerContactInline, OpeningInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": [*COMPANY_FIELDS, "relationship_owner"]}),
        (_("The company's story"), {"fields": [*STORY_FIELDS, "valued_skills"]}),
        (_("Address and details"), {"fields": list(ADDRESS_FIELDS)}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]


@admin.register(Opening)
class OpeningAdmin(VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "employer", "kind", "status", "created_at"]
    list_filter = ["kind", "status", "employer__municipality"]
    search_fields = ["title", "employer__trade_name"]
    list_select_related = ["employer"]
    autocomplete_fields = ["employer", "competences", "created_by"]


@admin.register(ContactMoment)
class ContactMomentAdmin(VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["happened_at", "employer", "kind", "author"]
    list_filter = ["kind", "employer__municipality"]
    search_fields = ["employer__trade_name", "summary"]
    list_select_related = ["employer", "author"]
    autocomplete_fields = ["employer", "author"]
    date_hierarchy = "happened_at"


@admin.register(Referral)
class ReferralAdmin(VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["company_name", "referring_employer", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["company_name", "kvk_number", "referring_employer__trade_name"]
    list_select_related = ["referring_employer"]
    autocomplete_fields = ["referring_employer", "converted_employer", "referred_by"]
