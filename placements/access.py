"""The pipeline's access helpers for pages and API: thin wrappers over the models' rules.

Who sees which proposal, placement, job or buddy pair is written once, on the QuerySets in
``placements.models`` (``Proposal.objects.visible_to(user)`` and friends, including the employer
contact's narrow view used by the portal). Which job seekers, openings and employers matching may
use is their own apps' ``visible_to``. These helpers add the role gate of the pipeline pages and
the fetch-or-404 (a record outside the user's view is a 404).
"""

from __future__ import annotations

from django.db.models import QuerySet

from baanbrekers.access import get_visible_or_404, works_in_back_office
from baanbrekers.models import User
from employers.models import Employer, Opening
from jobseekers.models import JobSeeker

from .models import BuddyPairing, DevelopmentPlacement, Proposal


def may_work_in_pipeline(user: User) -> bool:
    """Caseworkers and coordinators keep the pipeline; nobody else sees persons in it."""
    return works_in_back_office(user)


def proposal_for_user(user: User, pk) -> Proposal:
    qs = Proposal.objects.visible_to(user).select_related(
        "jobseeker", "opening", "opening__employer", "proposed_by", "answered_by"
    )
    return get_visible_or_404(qs, pk)


def placement_for_user(user: User, pk) -> DevelopmentPlacement:
    qs = DevelopmentPlacement.objects.visible_to(user).select_related(
        "jobseeker", "employer", "opening", "supervisor", "caseworker"
    )
    return get_visible_or_404(qs, pk)


def buddy_pairing_for_user(user: User, pk) -> BuddyPairing:
    return get_visible_or_404(
        BuddyPairing.objects.visible_to(user).select_related("jobseeker", "buddy_employer"), pk
    )


# What matching may read: what the pipeline's user sees of persons, openings and employers.
# (Matching is back-office work; an employer contact sees their own openings elsewhere.)
def matchable_jobseekers(user: User) -> QuerySet[JobSeeker]:
    return JobSeeker.objects.visible_to(user)


def jobseeker_for_matching(user: User, pk) -> JobSeeker:
    return get_visible_or_404(matchable_jobseekers(user), pk)


def matchable_openings(user: User) -> QuerySet[Opening]:
    if not may_work_in_pipeline(user):
        return Opening.objects.none()
    return Opening.objects.visible_to(user)


def opening_for_matching(user: User, pk) -> Opening:
    return get_visible_or_404(matchable_openings(user).select_related("employer"), pk)


def matchable_employers(user: User) -> QuerySet[Employer]:
    if not may_work_in_pipeline(user):
        return Employer.objects.none()
    return Employer.objects.visible_to(user)
