"""The shape of a file's timeline: entries and next actions that several apps contribute.

A job seeker's file and an employer's file each show one timeline of everything about them, but
the apps that own the parts (visits, placements) sit above ``jobseekers`` and ``employers`` and
may not be imported by them. So each file owns a ``FileRegistry`` (``jobseekers/timeline.py``,
``employers/timeline.py``) and the higher apps register their contributions in
``AppConfig.ready()``, as they do for the start page (``baanbrekers/home.py``).

A contribution is a function of (record, user): it runs its own queries through the models'
``visible_to(user)`` and must keep their number fixed however many rows there are (select and
prefetch, never a query per row): the file pages assert a constant query count.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch

from .models import FollowUp, User


@dataclass(frozen=True)
class FileEntry:
    """One thing that happened. ``at`` is a date or an aware datetime; ``url`` the record's page."""

    at: datetime.date | datetime.datetime
    kind: str
    title: str
    url: str = ""
    text: str = ""
    author: str = ""
    state: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.at, datetime.datetime)

    @property
    def sort_key(self) -> datetime.datetime:
        if isinstance(self.at, datetime.datetime):
            return self.at
        # A day without a time sorts after that day's timed entries.
        return datetime.datetime.combine(self.at, datetime.time.max, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class FileAction:
    """A next step offered on the file: a link (``url``) or a small form (``template`` rendered
    with ``context``, which may post to the owning app's own view)."""

    key: str
    label: str
    url: str = ""
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50
    primary: bool = False


Entries = Callable[[Any, User], Iterable[FileEntry]]
Actions = Callable[[Any, User], Iterable[FileAction]]


class FileRegistry:
    """The contributions to one kind of file. Registering the same function twice is harmless."""

    def __init__(self) -> None:
        self._entries: list[Entries] = []
        self._actions: list[Actions] = []

    def register(self, *, entries: Entries | None = None, actions: Actions | None = None) -> None:
        if entries is not None and entries not in self._entries:
            self._entries.append(entries)
        if actions is not None and actions not in self._actions:
            self._actions.append(actions)

    def entries(self, record, user: User) -> list[FileEntry]:
        """Every contributed entry, newest first."""
        found = [entry for contribute in self._entries for entry in contribute(record, user)]
        return sorted(found, key=lambda e: e.sort_key, reverse=True)

    def actions(self, record, user: User) -> list[FileAction]:
        found = [action for contribute in self._actions for action in contribute(record, user)]
        return sorted(found, key=lambda a: a.order)


def followup_entry(followup: FollowUp, *, state: str) -> FileEntry:
    """A follow-up on a file, linked to the page of what it is about when that page needs no
    more than the record's id (no query per row: the record itself is not loaded)."""
    url = ""
    try:
        shell = apps.get_model(followup.subject_type)(pk=int(followup.subject_id))
        url = shell.get_absolute_url()
    except (LookupError, ValueError, AttributeError, NoReverseMatch):
        pass
    return FileEntry(
        at=followup.due_on,
        kind="followup",
        title=followup.title,
        url=url,
        text=followup.body,
        author=str(followup.assignee) if followup.assignee else "",
        state=state,
    )
