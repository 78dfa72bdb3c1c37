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
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.template.defaultfilters import time as time_filter
from django.urls import NoReverseMatch
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

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

    def html(self) -> SafeString:
        """The entry as the ``<li>`` of a file's timeline (``jobseekers/_timeline.html``,
        ``employers/_file.html``): the same markup, escaping and date filters as the template
        it replaces, built here because a long timeline spent most of its rendering time in the
        template's per-entry nodes and filters."""
        at = template_localtime(self.at)
        when = escape(date_filter(at))
        if self.has_time:
            when += " " + escape(time_filter(at, "H:i"))
        title = f"<strong>{escape(self.title)}</strong>"
        if self.url:
            title = f'<a class="utrecht-link" href="{escape(self.url)}">{title}</a>'
        if self.state:
            title += f' <span class="bb-tag">{escape(self.state)}</span>'
        if self.author:
            title += f" · {escape(self.author)}"
        text = ""
        if self.text:
            text = (
                '<p class="utrecht-paragraph bb-timeline__text">'
                f"{linebreaksbr(self.text, autoescape=True)}</p>"
            )
        kind = escape(self.kind)
        return mark_safe(  # noqa: S308 - every value above is escaped
            f'<li class="bb-timeline__{kind}" data-kind="{kind}">\n'
            f'        <p class="utrecht-paragraph"><time datetime="{escape(date_filter(at, "c"))}">'
            f"{when}</time>\n"
            f"          · {title}</p>\n"
            f"        {text}\n"
            "      </li>"
        )


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


def user_name_fields(relation: str) -> tuple[str, ...]:
    """For ``.only()``: the columns of a related user that name them (``user_label``), so an
    entry's author is read without the rest of the user's row."""
    return tuple(f"{relation}__{name}" for name in ("first_name", "last_name", "email"))


_CHOICE_LABELS: dict[tuple[type, str], dict] = {}


def choice_label(obj, field_name: str) -> str:
    """``obj.get_<field_name>_display()`` for timelines of many rows. Django's builds a dict of
    the field's choices on every call, hashing each lazy label (which translates it); this
    keeps one dict per field. The labels stay lazy, so each is translated when it is shown."""
    key = (type(obj), field_name)
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        field = obj._meta.get_field(field_name)
        labels = _CHOICE_LABELS[key] = dict(field.flatchoices)
    value = getattr(obj, field_name)
    return force_str(labels.get(value, value), strings_only=True)


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
