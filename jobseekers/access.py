"""Who may see which job seekers (DESIGN.md section 4), in one place.

Caseworkers see the job seekers of their own municipalities, coordinators all of them. Aldermen
and employer contacts never see a job seeker by name here: their narrower, anonymised views live
with the apps that need them.
"""

from __future__ import annotations

from django.db.models import QuerySet

from baanbrekers.access import get_visible_or_404, scope_to_municipalities
from baanbrekers.models import User

from .models import JobSeeker


def visible_jobseekers(user: User) -> QuerySet[JobSeeker]:
    """The job seekers this user may see by name (none for aldermen and employer contacts)."""
    return scope_to_municipalities(JobSeeker.objects.all(), user)


def jobseeker_for_user(user: User, pk) -> JobSeeker:
    """One visible job seeker; someone else's (or a guessed) id is a 404."""
    return get_visible_or_404(visible_jobseekers(user).select_related("municipality"), pk)
