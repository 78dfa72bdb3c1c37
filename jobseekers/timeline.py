"""The job seeker's file as one timeline, with the next actions as buttons.

This app contributes the file's own events (created, changed, notes, consents) and the
follow-ups about the person; visits and placements, which this app may not import, register
their entries (visits joined, clicks, proposals, placements, buddy pairs, jobs) and actions
(sign up for a visit, propose, start a buddy pairing, record a job) in their AppConfig.ready():

    from jobseekers.timeline import jobseeker_file
    jobseeker_file.register(entries=my_entries, actions=my_actions)
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from baanbrekers.followups import followups_about
from baanbrekers.models import User
from baanbrekers.timeline import FileAction, FileEntry, FileRegistry, followup_entry

from .models import JobSeeker
from .selectors import jobseeker_timeline
from .services import jobseeker_manual_status_events

__all__ = ["FileAction", "FileEntry", "jobseeker_file", "jobseeker_file_context"]

jobseeker_file = FileRegistry()


def _own_entries(jobseeker: JobSeeker, user: User) -> Iterator[FileEntry]:
    """Notes, consents and the file's own events, as the app always listed them."""
    for entry in jobseeker_timeline(jobseeker):
        text = entry.text
        if entry.consent is not None:
            text = _("From %(start)s until %(end)s") % {
                "start": date_format(entry.consent.given_on, "j F Y"),
                "end": date_format(entry.consent.valid_until, "j F Y"),
            }
        yield FileEntry(
            at=entry.at, kind=entry.kind, title=str(entry.title), text=text, author=entry.author
        )


def _followups(jobseeker: JobSeeker, user: User) -> Iterator[FileEntry]:
    """Open follow-ups about the person and their consents, clicks, placements, jobs and buddy
    pairs (the records the apps register as belonging with a job seeker)."""
    for followup in followups_about(jobseeker):
        yield followup_entry(followup, state=_("to do"))


def _status_actions(jobseeker: JobSeeker, user: User) -> Iterator[FileAction]:
    """The status changes a caseworker records by hand (the others follow from placements and
    jobs): offered only where the service would accept them."""
    events = jobseeker_manual_status_events(jobseeker)
    if events:
        yield FileAction(
            key="status",
            label=_("Change the status"),
            template="jobseekers/_status_action.html",
            context={"events": events, "jobseeker": jobseeker, "today": timezone.localdate()},
            order=90,
        )


jobseeker_file.register(entries=_own_entries)
jobseeker_file.register(entries=_followups)
jobseeker_file.register(actions=_status_actions)


def jobseeker_file_context(jobseeker: JobSeeker, user: User) -> dict:
    """What the file page shows of the timeline: entries newest first and the next actions."""
    return {
        "timeline": jobseeker_file.entries(jobseeker, user),
        "file_actions": jobseeker_file.actions(jobseeker, user),
    }
