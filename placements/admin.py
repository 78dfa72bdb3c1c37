"""Coordinators' admin for the pipeline: read only. Every write here has side effects that only
``placements.services`` keeps (the state machine, follow-ups, the job seeker's status), so
proposals, placements, jobs and buddy pairs change on the pipeline pages. Rows are scoped by the
models' ``visible_to``.
"""

from django.contrib import admin

from baanbrekers.admin import ReadOnlyAdminMixin, ReadOnlyInline, VisibleToAdminMixin

from .models import (
    BuddyMeeting,
    BuddyPairing,
    CheckIn,
    DevelopmentPlacement,
    Evaluation,
    Introduction,
    JobOutcome,
    Proposal,
)


@admin.register(Proposal)
class ProposalAdmin(VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["jobseeker", "opening", "answer", "proposed_at"]
    list_filter = ["answer"]
    raw_id_fields = ["jobseeker", "opening", "proposed_by", "answered_by"]


class CheckInInline(ReadOnlyInline):
    model = CheckIn
    raw_id_fields = ["author"]


class EvaluationInline(ReadOnlyInline):
    model = Evaluation
    raw_id_fields = ["recorded_by"]


@admin.register(DevelopmentPlacement)
class DevelopmentPlacementAdmin(VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["jobseeker", "employer", "status", "start_date", "planned_end_date"]
    list_filter = ["status", "outcome"]
    raw_id_fields = [
        "jobseeker",
        "employer",
        "opening",
        "proposal",
        "supervisor",
        "caseworker",
        "no_displacement_checked_by",
        "created_by",
    ]
    inlines = [CheckInInline, EvaluationInline]


@admin.register(JobOutcome)
class JobOutcomeAdmin(VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["jobseeker", "employer", "employer_name", "route", "start_date"]
    list_filter = ["route", "contract_type"]
    raw_id_fields = ["jobseeker", "employer", "placement", "recorded_by"]


class BuddyMeetingInline(ReadOnlyInline):
    model = BuddyMeeting


class IntroductionInline(ReadOnlyInline):
    model = Introduction
    raw_id_fields = ["employer"]


@admin.register(BuddyPairing)
class BuddyPairingAdmin(VisibleToAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["jobseeker", "buddy_name", "buddy_organisation", "status", "start_date"]
    list_filter = ["status"]
    raw_id_fields = ["jobseeker", "buddy_employer", "caseworker"]
    inlines = [BuddyMeetingInline, IntroductionInline]
