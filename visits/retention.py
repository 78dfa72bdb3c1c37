"""The visits' part of a person's data (jobseekers.retention): sign-ups and clicks count as
activity, are listed in the AVG export, and lose their free text on anonymisation. Registered
in VisitsConfig.ready()."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jobseekers.models import JobSeeker
from jobseekers.retention import person_data

from .models import Click, VisitSignUp


def people_active_since(moment: datetime.datetime) -> QuerySet:
    """Ids of people signed up for a visit, or clicked at one, since ``moment`` (or signed up
    for one still to come)."""
    signups = VisitSignUp.objects.filter(
        Q(created_at__gte=moment) | Q(visit__starts_at__gte=moment)
    ).values("jobseeker_id")
    clicks = Click.objects.filter(created_at__gte=moment).values("jobseeker_id")
    return signups.union(clicks)


def person_records(jobseeker: JobSeeker) -> Iterable[tuple[str, QuerySet]]:
    yield (
        _("Company visits joined"),
        VisitSignUp.objects.filter(jobseeker=jobseeker).select_related("visit__employer"),
    )
    yield (
        _("Clicks at company visits"),
        Click.objects.filter(jobseeker=jobseeker).select_related("visit__employer"),
    )


def person_anonymise(jobseeker: JobSeeker) -> None:
    # The click stays (it is counted); what was noted about the person goes.
    Click.objects.filter(jobseeker=jobseeker).update(note="")


def register() -> None:
    person_data.register(
        key="visits",
        active_since=people_active_since,
        export=person_records,
        anonymise=person_anonymise,
    )
