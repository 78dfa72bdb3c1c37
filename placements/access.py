"""Who may see which proposals, placements, jobs and buddy pairs (DESIGN.md section 4).

Everything here is about a job seeker, so the job seeker's municipality decides: caseworkers see
their own municipalities, coordinators all. Aldermen see aggregates only (``pipeline_counts``),
never a person. Employer contacts see nothing in the back office; the portal uses
``proposals_for_employer_contact`` / ``placements_for_employer_contact`` and the anonymised
profile in ``placements.selectors``. A record outside the user's view is a 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from baanbrekers.access import get_visible_or_404, scope_to_municipalities, works_in_back_office
from baanbrekers.models import User
from employers.models import Employer, EmployerContact, Opening
from jobseekers.models import Consent, ConsentKind, JobSeeker

from .models import BuddyPairing, DevelopmentPlacement, JobOutcome, Proposal

JOBSEEKER_MUNICIPALITY = "jobseeker__municipality"


def may_work_in_pipeline(user: User) -> bool:
    """Caseworkers and coordinators keep the pipeline; nobody else sees persons in it."""
    return works_in_back_office(user)


def visible_proposals(user: User) -> QuerySet[Proposal]:
    return scope_to_municipalities(Proposal.objects.all(), user, JOBSEEKER_MUNICIPALITY)


def proposal_for_user(user: User, pk) -> Proposal:
    qs = visible_proposals(user).select_related(
        "jobseeker", "opening", "opening__employer", "proposed_by", "answered_by"
    )
    return get_visible_or_404(qs, pk)


def visible_placements(user: User) -> QuerySet[DevelopmentPlacement]:
    return scope_to_municipalities(DevelopmentPlacement.objects.all(), user, JOBSEEKER_MUNICIPALITY)


def placement_for_user(user: User, pk) -> DevelopmentPlacement:
    qs = visible_placements(user).select_related(
        "jobseeker", "employer", "opening", "supervisor", "caseworker"
    )
    return get_visible_or_404(qs, pk)


def visible_job_outcomes(user: User) -> QuerySet[JobOutcome]:
    return scope_to_municipalities(JobOutcome.objects.all(), user, JOBSEEKER_MUNICIPALITY)


def job_outcome_for_user(user: User, pk) -> JobOutcome:
    return get_visible_or_404(
        visible_job_outcomes(user).select_related("jobseeker", "employer"), pk
    )


def visible_buddy_pairings(user: User) -> QuerySet[BuddyPairing]:
    return scope_to_municipalities(BuddyPairing.objects.all(), user, JOBSEEKER_MUNICIPALITY)


def buddy_pairing_for_user(user: User, pk) -> BuddyPairing:
    return get_visible_or_404(
        visible_buddy_pairings(user).select_related("jobseeker", "buddy_employer"), pk
    )


# What matching may read: the persons and openings of the user's own region.
def matchable_jobseekers(user: User) -> QuerySet[JobSeeker]:
    return scope_to_municipalities(JobSeeker.objects.all(), user)


def jobseeker_for_matching(user: User, pk) -> JobSeeker:
    return get_visible_or_404(matchable_jobseekers(user), pk)


def matchable_openings(user: User) -> QuerySet[Opening]:
    return scope_to_municipalities(Opening.objects.all(), user, "employer__municipality")


def opening_for_matching(user: User, pk) -> Opening:
    return get_visible_or_404(matchable_openings(user).select_related("employer"), pk)


def matchable_employers(user: User) -> QuerySet[Employer]:
    return scope_to_municipalities(Employer.objects.all(), user)


# --- For the employer portal (a later issue): only what was proposed to their company ---------
def _employers_of_contact(user: User):
    return EmployerContact.objects.filter(user=user).values("employer_id")


def proposals_for_employer_contact(user: User) -> QuerySet[Proposal]:
    """Proposals made to the contact's own company for a job seeker who consents to sharing an
    anonymised profile today. Nothing for anyone who is not an employer contact."""
    if not (user.is_authenticated and user.is_active and user.is_employer_contact):
        return Proposal.objects.none()
    consent = Consent.objects.valid(ConsentKind.SHARE_PROFILE).filter(
        jobseeker=OuterRef("jobseeker")
    )
    return (
        Proposal.objects.filter(opening__employer__in=_employers_of_contact(user))
        .filter(Exists(consent))
        .select_related("opening", "opening__employer", "jobseeker")
    )


def placements_for_employer_contact(user: User) -> QuerySet[DevelopmentPlacement]:
    """The placements at the contact's own company (their own placements, DESIGN.md §4)."""
    if not (user.is_authenticated and user.is_active and user.is_employer_contact):
        return DevelopmentPlacement.objects.none()
    return DevelopmentPlacement.objects.filter(
        employer__in=_employers_of_contact(user)
    ).select_related("jobseeker", "employer", "supervisor")
