"""Imports in the admin: shown, never changed (the pages and their services run them); saved
layouts may be renamed or removed by coordinators."""

from django.contrib import admin

from baanbrekers.admin import ReadOnlyAdminMixin, VisibleToAdminMixin

from .models import ImportJob, ImportLayout


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdminMixin, VisibleToAdminMixin, admin.ModelAdmin):
    list_display = ["filename", "kind", "status", "total_rows", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    exclude = ["headers", "mapping", "value_mapping"]


@admin.register(ImportLayout)
class ImportLayoutAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "created_by", "updated_at"]
    list_filter = ["kind"]
    fields = ["name", "kind", "columns", "values"]
