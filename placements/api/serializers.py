"""Serializers of the pipeline API. Thin: input is checked here, decisions are the services'."""

from __future__ import annotations

from rest_framework import serializers

from employers.models import Employer, EmployerContact, Opening
from jobseekers.models import JobSeeker

from ..access import (
    matchable_employers,
    matchable_jobseekers,
    matchable_openings,
)
from ..models import (
    BuddyMeeting,
    BuddyPairing,
    DevelopmentPlacement,
    Introduction,
    JobOutcome,
    PlacementOutcome,
    Proposal,
    ProposalAnswer,
)
from ..transitions import STATUS_ACTIONS, allowed_actions


class _ScopedMixin:
    """Placeholder querysets (``none()``) are replaced per request: related ids are looked up only among what the requesting user may see: someone else's id
    is 'does not exist', never a way in."""

    scoped_fields: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, scope in self.scoped_fields.items():
            if name in self.fields and user is not None:
                self.fields[name].queryset = scope(user)


class ProposalSerializer(_ScopedMixin, serializers.ModelSerializer):
    scoped_fields = {"jobseeker": matchable_jobseekers, "opening": matchable_openings}
    jobseeker = serializers.PrimaryKeyRelatedField(queryset=JobSeeker.objects.none())
    opening = serializers.PrimaryKeyRelatedField(queryset=Opening.objects.none())

    class Meta:
        model = Proposal
        fields = [
            "id",
            "jobseeker",
            "opening",
            "motivation",
            "match_score",
            "proposed_at",
            "answer",
            "answer_reason",
            "answered_at",
            "introduction_agreed",
        ]
        read_only_fields = [
            "proposed_at",
            "answer",
            "answer_reason",
            "answered_at",
            "introduction_agreed",
        ]


class ProposalAnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(
        choices=[ProposalAnswer.INTERESTED, ProposalAnswer.NOT_NOW, ProposalAnswer.NO]
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PlacementSerializer(_ScopedMixin, serializers.ModelSerializer):
    # Empty until the placement ends: the schema must allow "" next to the outcomes.
    outcome = serializers.ChoiceField(
        choices=PlacementOutcome.choices, allow_blank=True, read_only=True
    )
    scoped_fields = {
        "jobseeker": matchable_jobseekers,
        "employer": matchable_employers,
        "opening": matchable_openings,
        # Only contacts of employers this user works with: no probing of other ids.
        "supervisor": lambda user: EmployerContact.objects.filter(
            employer__in=matchable_employers(user)
        ),
    }
    jobseeker = serializers.PrimaryKeyRelatedField(queryset=JobSeeker.objects.none())
    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.none())
    opening = serializers.PrimaryKeyRelatedField(
        queryset=Opening.objects.none(), required=False, allow_null=True
    )
    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=EmployerContact.objects.none(), required=False, allow_null=True
    )
    planned_end_date = serializers.DateField(required=False)
    allowed_actions = serializers.SerializerMethodField(
        help_text="What the requesting user may do with this placement now (the transitions "
        "table): the status changes the transition endpoint takes, 'checkin' and 'evaluation'."
    )

    class Meta:
        model = DevelopmentPlacement
        fields = [
            "id",
            "jobseeker",
            "employer",
            "opening",
            "supervisor",
            "start_date",
            "planned_end_date",
            "hours_per_week",
            "learning_goals",
            "benefit_kept",
            "insurance_arranged",
            "no_displacement_confirmed",
            "status",
            "extension_count",
            "started_on",
            "ended_on",
            "outcome",
            "allowed_actions",
        ]
        read_only_fields = [
            "no_displacement_confirmed",
            "status",
            "extension_count",
            "started_on",
            "ended_on",
            "outcome",
        ]

    def get_allowed_actions(self, placement: DevelopmentPlacement) -> list[str]:
        request = self.context.get("request")
        if request is None or placement.pk is None:
            return []
        return sorted(allowed_actions(placement, request.user))


class TransitionSerializer(serializers.Serializer):
    # The status changes of the transitions table; whether one is allowed is the service's check.
    action = serializers.ChoiceField(choices=list(STATUS_ACTIONS))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    new_end_date = serializers.DateField(required=False)
    outcome = serializers.ChoiceField(choices=PlacementOutcome.choices, required=False)


class JobOutcomeSerializer(_ScopedMixin, serializers.ModelSerializer):
    scoped_fields = {
        "jobseeker": matchable_jobseekers,
        "employer": matchable_employers,
        "placement": DevelopmentPlacement.objects.visible_to,
    }
    jobseeker = serializers.PrimaryKeyRelatedField(queryset=JobSeeker.objects.none())
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.none(), required=False, allow_null=True
    )
    placement = serializers.PrimaryKeyRelatedField(
        queryset=DevelopmentPlacement.objects.none(), required=False, allow_null=True
    )

    class Meta:
        model = JobOutcome
        fields = [
            "id",
            "jobseeker",
            "employer",
            "employer_name",
            "placement",
            "contract_type",
            "hours_per_week",
            "start_date",
            "salary_band",
            "route",
        ]


class BuddyMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = BuddyMeeting
        fields = ["id", "held_on", "kind", "notes"]


class IntroductionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Introduction
        fields = [
            "id",
            "introduced_on",
            "person_name",
            "company_name",
            "employer",
            "outcome",
            "notes",
        ]


class BuddyPairingSerializer(_ScopedMixin, serializers.ModelSerializer):
    scoped_fields = {"jobseeker": matchable_jobseekers}
    jobseeker = serializers.PrimaryKeyRelatedField(queryset=JobSeeker.objects.none())
    meetings = BuddyMeetingSerializer(many=True, read_only=True)
    introductions = IntroductionSerializer(many=True, read_only=True)

    class Meta:
        model = BuddyPairing
        fields = [
            "id",
            "jobseeker",
            "buddy_name",
            "buddy_organisation",
            "buddy_email",
            "buddy_phone",
            "goals",
            "start_date",
            "end_date",
            "status",
            "meetings",
            "introductions",
        ]
        read_only_fields = ["end_date", "status"]


class MatchSerializer(serializers.Serializer):
    jobseeker = serializers.IntegerField(source="jobseeker_id")
    name = serializers.CharField(source="jobseeker.__str__")
    score = serializers.IntegerField()
    explanation = serializers.CharField()
    gap = serializers.ListField(child=serializers.CharField())
    distance_km = serializers.FloatField(allow_null=True)  # no postcode: no distance
    already_proposed = serializers.BooleanField()


class OpeningMatchSerializer(serializers.Serializer):
    """An opening ranked for a job seeker (``JobSeekerMatchesView``)."""

    opening = serializers.IntegerField()
    title = serializers.CharField()
    employer = serializers.CharField()
    score = serializers.IntegerField()
    explanation = serializers.CharField()
    gap = serializers.ListField(child=serializers.CharField())
    distance_km = serializers.FloatField(allow_null=True)
