"""Which records' follow-ups belong with a job seeker, so they move when the caseworker changes
(see baanbrekers.followups.followups_reassign)."""

from __future__ import annotations

from collections.abc import Iterator

from jobseekers.models import Consent, JobSeeker
from placements.models import BuddyPairing, DevelopmentPlacement, JobOutcome
from visits.models import Click


def jobseeker_related_subjects(jobseeker: JobSeeker) -> Iterator[tuple[str, list[int]]]:
    """The person's consents, clicks, placements, jobs and buddy pairings: every record whose
    follow-ups their caseworker acts on."""
    for model in (Consent, Click, DevelopmentPlacement, JobOutcome, BuddyPairing):
        ids = list(model.objects.filter(jobseeker=jobseeker).values_list("pk", flat=True))
        if ids:
            yield model._meta.label, ids
