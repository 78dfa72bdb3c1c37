"""The job seekers' access helpers for pages and API: thin wrappers over the model's rule.

Who sees a job seeker by name is written once, ``JobSeeker.objects.visible_to(user)`` in
``jobseekers.models``; notes and consents follow the person.
"""

from __future__ import annotations

from baanbrekers.access import get_visible_or_404
from baanbrekers.models import User

from .models import JobSeeker


def jobseeker_for_user(user: User, pk, *, related: tuple[str, ...] = ()) -> JobSeeker:
    """One visible job seeker; someone else's (or a guessed) id is a 404. ``related``: more
    relations read with it (the file page shows the caseworker)."""
    qs = JobSeeker.objects.visible_to(user).select_related("municipality", *related)
    return get_visible_or_404(qs, pk)
