"""Transactional mail that must leave at once (a claim decided, an invitation, a company
registered): one small helper. Reminders and notices that may wait go through the follow-up
engine (``baanbrekers.followups``), which sends each exactly once.

Every mail renders ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``; the
HTML ones extend ``email/base.html`` (the site's brand) and, for employer contacts,
``email/employer_base.html`` (addressed to the reader, naming the company and their contact
person at the werkbedrijf). Links are absolute, from ``settings.SITE_URL``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse``) as a link that works in a mail client."""
    return settings.SITE_URL.rstrip("/") + path


def contact_person_of(employer) -> dict[str, str] | None:
    """The reader's contact person at the werkbedrijf: the employer's relationship owner."""
    owner = getattr(employer, "relationship_owner", None) if employer is not None else None
    if owner is None or not owner.is_active:
        return None
    return {"name": owner.get_full_name() or owner.email, "email": owner.email}


def mail_render(*, template: str, context: Mapping[str, object]) -> tuple[str, str, str]:
    """(subject, text, html) of ``template`` in the active language."""
    full = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = render_to_string(f"{template}_subject.txt", full).strip()
    text = render_to_string(f"{template}.txt", full)
    html = render_to_string(f"{template}.html", full)
    return " ".join(subject.split())[:250], text, html


def mail_send(
    *,
    to: Iterable[str],
    template: str,
    context: Mapping[str, object],
    language: str | None = None,
) -> int:
    """Renders and sends one mail (HTML and plain text) to ``to``; returns how many left.

    Mail speaks the office language (Dutch) unless told otherwise, whatever the process runs in.
    Call it after commit (``transaction.on_commit``) so a rolled-back change mails nobody."""
    recipients = [address for address in to if address]
    if not recipients:
        return 0
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, text, html = mail_render(template=template, context=context)
    message = EmailMultiAlternatives(subject, text, None, recipients)
    message.attach_alternative(html, "text/html")
    return message.send()


def employer_mail_context(
    *,
    employer,
    recipient_name: str = "",
    action_path: str = "",
    action_label: str = "",
    **extra: object,
) -> dict[str, object]:
    """What every mail to an employer contact shows: who it is for, the company, their contact
    person at the werkbedrijf and the one portal page where they can act."""
    return {
        "employer": employer,
        "recipient_name": recipient_name,
        "contact_person": contact_person_of(employer),
        "action_url": absolute_url(action_path) if action_path else "",
        "action_label": action_label,
        **extra,
    }


def employer_followup_context(
    followup, *, employer, action_path: str = "", action_label="", **extra: object
) -> dict[str, object]:
    """``email_context`` of a follow-up kind that mails an employer contact: the reader's name
    (the contact row with the recipient's address), the company, their contact person and the
    portal page to act on."""
    name = ""
    address = (followup.recipient_email or "").strip()
    if address and employer is not None:
        row = employer.contacts.filter(email__iexact=address).first()
        if row is None:
            row = employer.contacts.filter(user__email__iexact=address).first()
        name = row.name if row is not None else ""
    return employer_mail_context(
        employer=employer,
        recipient_name=name,
        action_path=action_path,
        action_label=action_label,
        **extra,
    )
