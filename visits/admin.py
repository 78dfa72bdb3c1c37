"""Coordinators' view of visits in the admin. Job seekers appear by id only (no names)."""

from django.contrib import admin

from .models import Click, Visit, VisitAction, VisitReport, VisitSignUp, VisitStaff


class VisitStaffInline(admin.TabularInline):
    model = VisitStaff
    extra = 0
    raw_id_fields = ["user"]


class VisitSignUpInline(admin.TabularInline):
    model = VisitSignUp
    extra = 0
    raw_id_fields = ["jobseeker", "signed_up_by"]


class VisitActionInline(admin.TabularInline):
    model = VisitAction
    extra = 0
    raw_id_fields = ["owner"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["employer", "starts_at", "status", "capacity"]
    list_filter = ["status", "employer__municipality"]
    search_fields = ["employer__trade_name", "purpose"]
    date_hierarchy = "starts_at"
    list_select_related = ["employer"]
    raw_id_fields = ["employer", "host", "planned_by"]
    inlines = [VisitStaffInline, VisitSignUpInline, VisitActionInline]


@admin.register(VisitReport)
class VisitReportAdmin(admin.ModelAdmin):
    list_display = ["visit", "written_by", "created_at"]
    raw_id_fields = ["visit", "written_by"]
    list_select_related = ["visit__employer", "written_by"]


@admin.register(Click)
class ClickAdmin(admin.ModelAdmin):
    list_display = ["visit", "jobseeker_id", "created_at"]
    raw_id_fields = ["visit", "jobseeker", "created_by"]
    list_select_related = ["visit__employer"]
