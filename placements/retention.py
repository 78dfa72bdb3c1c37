"""The placements' part of a person's data (jobseekers.retention): proposals, development
placements (check-ins, evaluations), jobs (and their "still working?" checks) and buddy pairs
count as activity, are listed in the AVG export and lose their free text on anonymisation.
What the statistics count (the rows, their dates, statuses, routes and answers) stays.
Registered in PlacementsConfig.ready()."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jobseekers.models import JobSeeker
from jobseekers.retention import person_data

from .models import (
    FINAL_STATUSES,
    BuddyMeeting,
    BuddyPairing,
    BuddyStatus,
    CheckIn,
    DevelopmentPlacement,
    Evaluation,
    Introduction,
    JobCheck,
    JobOutcome,
    Proposal,
)


def people_active_since(moment: datetime.datetime) -> QuerySet:
    """Ids of people with a proposal, placement, job or buddy pairing that changed since
    ``moment``, or one still running (a placement not ended, a buddy pairing not ended)."""
    day = moment.date()
    proposals = Proposal.objects.filter(
        Q(proposed_at__gte=moment) | Q(answered_at__gte=moment)
    ).values("jobseeker_id")
    placements = DevelopmentPlacement.objects.filter(
        Q(updated_at__gte=moment)
        | ~Q(status__in=FINAL_STATUSES)
        | Q(checkins__held_on__gte=day)
        | Q(evaluations__held_on__gte=day)
    ).values("jobseeker_id")
    jobs = JobOutcome.objects.filter(
        Q(updated_at__gte=moment)
        | Q(start_date__gte=day)
        | Q(end_date__gte=day)
        | Q(checks__created_at__gte=moment)
    ).values("jobseeker_id")
    buddies = BuddyPairing.objects.filter(
        Q(created_at__gte=moment)
        | Q(end_date__gte=day)
        | ~Q(status=BuddyStatus.ENDED)
        | Q(meetings__held_on__gte=day)
        | Q(introductions__introduced_on__gte=day)
    ).values("jobseeker_id")
    return proposals.union(placements, jobs, buddies)


def person_records(jobseeker: JobSeeker) -> Iterable[tuple[str, QuerySet]]:
    yield (
        _("Proposals to employers"),
        Proposal.objects.filter(jobseeker=jobseeker).select_related(
            "opening__employer", "municipality"
        ),
    )
    yield (
        _("Development placements"),
        DevelopmentPlacement.objects.filter(jobseeker=jobseeker).select_related(
            "employer", "municipality"
        ),
    )
    yield (
        _("Check-ins during placements"),
        CheckIn.objects.filter(placement__jobseeker=jobseeker),
    )
    yield (_("Evaluations"), Evaluation.objects.filter(placement__jobseeker=jobseeker))
    yield (_("Jobs"), JobOutcome.objects.filter(jobseeker=jobseeker))
    yield (_("Still working? (checks)"), JobCheck.objects.filter(job__jobseeker=jobseeker))
    yield (_("Buddy pairings"), BuddyPairing.objects.filter(jobseeker=jobseeker))
    yield (_("Buddy meetings"), BuddyMeeting.objects.filter(pairing__jobseeker=jobseeker))
    yield (_("Introductions"), Introduction.objects.filter(pairing__jobseeker=jobseeker))


def person_anonymise(jobseeker: JobSeeker) -> None:
    """Blank the free text about the person; ``update`` leaves ``updated_at`` alone, so the
    roll-up sees nothing change in what it counts."""
    Proposal.objects.filter(jobseeker=jobseeker).update(motivation="", answer_reason="")
    DevelopmentPlacement.objects.filter(jobseeker=jobseeker).update(
        learning_goals="", no_displacement_note="", end_reason=""
    )
    CheckIn.objects.filter(placement__jobseeker=jobseeker).update(notes="")
    Evaluation.objects.filter(placement__jobseeker=jobseeker).update(progress="", next_steps="")
    JobOutcome.objects.filter(jobseeker=jobseeker).update(end_reason="")
    BuddyPairing.objects.filter(jobseeker=jobseeker).update(goals="")
    BuddyMeeting.objects.filter(pairing__jobseeker=jobseeker).update(notes="")
    # The other person's name (who the job seeker was introduced to) goes with the notes.
    Introduction.objects.filter(pairing__jobseeker=jobseeker).update(person_name="", notes="")


def register() -> None:
    person_data.register(
        key="placements",
        active_since=people_active_since,
        export=person_records,
        anonymise=person_anonymise,
    )
