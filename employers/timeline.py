"""The employer's file as one timeline: its visits and clicks, proposals, placements, jobs and
open follow-ups, with next actions. Visits and placements sit above this app, so they register
their entries and actions in their AppConfig.ready():

    from employers.timeline import employer_file
    employer_file.register(entries=my_entries, actions=my_actions)

This app contributes the open follow-ups about the employer itself (the contact moments keep
their own section with its form).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from baanbrekers.followups import OPEN_STATUSES
from baanbrekers.models import FollowUp, User
from baanbrekers.timeline import FileAction, FileEntry, FileRegistry, followup_entry

from .models import Employer

__all__ = ["FileAction", "FileEntry", "employer_file", "employer_file_context", "open_followups"]

employer_file = FileRegistry()


def open_followups(subjects) -> Iterator[FileEntry]:
    """Entries for the open follow-ups about ``subjects`` (model instances of one model, or a
    queryset): one query. The apps that contribute records use it for their records' own."""
    subjects = list(subjects)
    if not subjects:
        return
    label = subjects[0]._meta.label
    rows = FollowUp.objects.filter(
        subject_type=label,
        subject_id__in=[str(s.pk) for s in subjects],
        status__in=OPEN_STATUSES,
    ).select_related("assignee")
    for followup in rows:
        yield followup_entry(followup, state=_("to do"))


def _own_followups(employer: Employer, user: User) -> Iterator[FileEntry]:
    yield from open_followups([employer])


employer_file.register(entries=_own_followups)


def employer_file_context(employer: Employer, user: User) -> dict:
    return {
        "file_timeline": employer_file.entries(employer, user),
        "file_actions": employer_file.actions(employer, user),
    }
