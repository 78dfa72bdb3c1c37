"""Coordinators' admin for the pipeline: read and correct, never to bypass the state machine."""

from django.contrib import admin

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
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["jobseeker", "opening", "answer", "proposed_at"]
    list_filter = ["answer"]
    raw_id_fields = ["jobseeker", "opening", "proposed_by", "answered_by"]


class CheckInInline(admin.TabularInline):
    model = CheckIn
    extra = 0
    raw_id_fields = ["author"]


class EvaluationInline(admin.TabularInline):
    model = Evaluation
    extra = 0
    raw_id_fields = ["recorded_by"]


@admin.register(DevelopmentPlacement)
class DevelopmentPlacementAdmin(admin.ModelAdmin):
    list_display = ["jobseeker", "employer", "status", "start_date", "planned_end_date"]
    list_filter = ["status", "outcome"]
    # Status changes go through placements.services (one function per transition).
    readonly_fields = ["status", "extension_count", "started_on", "ended_on", "outcome"]
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
class JobOutcomeAdmin(admin.ModelAdmin):
    list_display = ["jobseeker", "employer", "employer_name", "route", "start_date"]
    list_filter = ["route", "contract_type"]
    raw_id_fields = ["jobseeker", "employer", "placement", "recorded_by"]


class BuddyMeetingInline(admin.TabularInline):
    model = BuddyMeeting
    extra = 0


class IntroductionInline(admin.TabularInline):
    model = Introduction
    extra = 0
    raw_id_fields = ["employer"]


@admin.register(BuddyPairing)
class BuddyPairingAdmin(admin.ModelAdmin):
    list_display = ["jobseeker", "buddy_name", "buddy_organisation", "status", "start_date"]
    list_filter = ["status"]
    raw_id_fields = ["jobseeker", "buddy_employer", "caseworker"]
    inlines = [BuddyMeetingInline, IntroductionInline]
