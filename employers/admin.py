"""Django admin for coordinators (the admin site admits nobody else; see AdminSite).

Coordinators see every municipality, so no scoping is needed here; writes still go through the
model's validators, and the postcode is normalised as on the pages.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from baanbrekers.validators import normalise_postcode

from .models import ContactMoment, Employer, EmployerContact, Opening, Referral, Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "label"]


class EmployerAdminForm(forms.ModelForm):
    """The admin builds the fields from the fieldsets; this only normalises the postcode."""

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])


class EmployerContactInline(admin.TabularInline):
    model = EmployerContact
    extra = 0
    autocomplete_fields = ["user"]


class OpeningInline(admin.StackedInline):
    model = Opening
    extra = 0
    fields = ["kind", "title", "status", "hours_per_week", "start_date", "end_date", "places"]
    show_change_link = True


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    form = EmployerAdminForm
    list_display = ["trade_name", "kvk_number", "municipality", "sector", "status", "updated_at"]
    list_filter = ["status", "municipality", "size_class"]
    search_fields = ["trade_name", "kvk_number", "postcode", "city"]
    list_select_related = ["municipality", "sector"]
    autocomplete_fields = ["sector", "relationship_owner", "valued_skills"]
    inlines = [EmployerContactInline, OpeningInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["trade_name", "kvk_number", "status", "relationship_owner"]}),
        (
            _("The company's story"),
            {
                "fields": [
                    "story_what",
                    "story_passion",
                    "story_culture",
                    "story_views",
                    "story_values",
                    "valued_skills",
                ]
            },
        ),
        (
            _("Address and details"),
            {
                "fields": [
                    "street_address",
                    "postcode",
                    "city",
                    "municipality",
                    "sector",
                    "size_class",
                    "website",
                ]
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]


@admin.register(Opening)
class OpeningAdmin(admin.ModelAdmin):
    list_display = ["title", "employer", "kind", "status", "created_at"]
    list_filter = ["kind", "status", "employer__municipality"]
    search_fields = ["title", "employer__trade_name"]
    list_select_related = ["employer"]
    autocomplete_fields = ["employer", "competences", "created_by"]


@admin.register(ContactMoment)
class ContactMomentAdmin(admin.ModelAdmin):
    list_display = ["happened_at", "employer", "kind", "author"]
    list_filter = ["kind", "employer__municipality"]
    search_fields = ["employer__trade_name", "summary"]
    list_select_related = ["employer", "author"]
    autocomplete_fields = ["employer", "author"]
    date_hierarchy = "happened_at"


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["company_name", "referring_employer", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["company_name", "kvk_number", "referring_employer__trade_name"]
    list_select_related = ["referring_employer"]
    autocomplete_fields = ["referring_employer", "converted_employer", "referred_by"]
