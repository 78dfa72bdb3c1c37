"""Sections of the home page that higher apps contribute, per role.

The project package cannot import the apps above it, so each app registers what it shows on
the start page in its AppConfig.ready(); the home view renders the sections for the user's role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class HomeSection:
    roles: frozenset[str]
    template: str
    context: Callable[[HttpRequest], dict]
    order: int = 50


_SECTIONS: list[HomeSection] = []


def register_home_section(
    *, roles, template: str, context: Callable[[HttpRequest], dict], order: int = 50
) -> None:
    section = HomeSection(frozenset(roles), template, context, order)
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def home_sections_for(request: HttpRequest, role: str) -> list[dict]:
    """[{"template": ..., "data": ...}] for the role, in order. Each section's context function
    receives the request and runs its own (scoped) queries."""
    sections = sorted((s for s in _SECTIONS if role in s.roles), key=lambda s: s.order)
    return [{"template": s.template, "data": s.context(request)} for s in sections]
