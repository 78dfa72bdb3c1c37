"""What the apps hold about a job seeker, for retention and for the right of access (AVG).

A person's data lives in this app (the file, notes, consents) and in the apps above it (visit
sign-ups and clicks, proposals, placements, jobs, buddy pairs), which this app may not import. So,
as for the file's timeline, each higher app registers its part in ``AppConfig.ready()``:

    from jobseekers.retention import person_data
    person_data.register(
        key="placements",
        active_since=people_active_since,   # moment -> QuerySet of job-seeker ids
        export=placements_of_person,        # jobseeker -> [(section title, QuerySet), ...]
        anonymise=placements_anonymise,     # jobseeker -> None: blank the free text
    )

``JobSeeker.objects.inactive_since`` asks every ``active_since``; the anonymisation service
(``jobseekers.services.jobseeker_anonymise``) calls every ``anonymise`` in its transaction; the
AVG article 15 export (``jobseeker_data_export``) lists every ``export`` section.

This module imports no model, so ``jobseekers.models`` can ask it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

ActiveSince = Callable[[datetime.datetime], QuerySet]
Export = Callable[[Any], Iterable[tuple[str, QuerySet]]]
Anonymise = Callable[[Any], None]


@dataclass(frozen=True)
class PersonDataPart:
    key: str
    active_since: ActiveSince | None = None
    export: Export | None = None
    anonymise: Anonymise | None = None


class PersonDataRegistry:
    """The parts of a person's data the apps contribute; registering a key again replaces it
    (a reloaded app registers once)."""

    def __init__(self) -> None:
        self._parts: dict[str, PersonDataPart] = {}

    def register(
        self,
        *,
        key: str,
        active_since: ActiveSince | None = None,
        export: Export | None = None,
        anonymise: Anonymise | None = None,
    ) -> None:
        self._parts[key] = PersonDataPart(key, active_since, export, anonymise)

    def parts(self) -> list[PersonDataPart]:
        return list(self._parts.values())


person_data = PersonDataRegistry()
