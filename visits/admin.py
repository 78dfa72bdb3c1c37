"""Coordinators' view of visits in the admin: read only (planning, sign-ups, reports and actions
have side effects that only ``visits.services`` keeps: capacity and consent checks, follow-ups,
the employer's timeline). Rows are scoped by ``Visit.objects.visible_to``. Job seekers appear by
id only (no names).
"""

from django.contrib import admin

from baanbrekers.admin import ReadOnlyAdminMixin, ReadOnlyInline, VisibleToAdminMixin

from .models import Click, Visit, VisitAction, VisitReport, VisitSignUp, VisitStaff


class VisitStaffInline(ReadOnlyInline):
    model = VisitStaff
    raw_id_fields = ["user"]


class VisitSignUpInline(ReadOnlyInline):
    model = VisitSignUp
    # By id: the admin shows no job seekers' names.
    fields = readonly_fields = ["jobseeker_id", "signed_up_by", "created_at"]


class VisitActionInline(ReadOnlyInline):
    model = VisitAction
    raw_id_fields = ["owner"]


@admin.register(Visit)
class VisitAdmin(VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["employer", "starts_at", "status", "capacity"]
    list_filter = ["status", "employer__municipality"]
    search_fields = ["employer__trade_name", "purpose"]
    date_hierarchy = "starts_at"
    list_select_related = ["employer"]
    raw_id_fields = ["employer", "host", "planned_by"]
    inlines = [VisitStaffInline, VisitSignUpInline, VisitActionInline]


@admin.register(VisitReport)
class VisitReportAdmin(VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    visible_through = "visit"
    list_display = ["visit", "written_by", "created_at"]
    raw_id_fields = ["visit", "written_by"]
    list_select_related = ["visit__employer", "written_by"]


@admin.register(Click)
class ClickAdmin(VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    visible_through = "visit"
    list_display = ["visit", "jobseeker_id", "created_at"]
    # By id: the admin shows no job seekers' names.
    fields = readonly_fields = ["visit", "jobseeker_id", "note", "created_by", "created_at"]
    list_select_related = ["visit__employer"]
