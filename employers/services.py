"""Use cases of the employers' file, called alike by pages, API, admin actions and demo data.

Each function validates what it saves (``full_clean``), so a caller that skipped a form still
cannot store a bad KvK number or postcode. Access is the caller's business: fetch the employer
through ``employers.access`` first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from baanbrekers.models import AuditAction, Municipality, Role, User
from baanbrekers.services import audit_record, skills_from_names
from baanbrekers.validators import normalise_postcode

from .models import (
    ContactKind,
    ContactMoment,
    Employer,
    EmployerContact,
    EmployerStatus,
    Opening,
    OpeningStatus,
    Referral,
    ReferralStatus,
)

EMPLOYER_FIELDS = frozenset(
    {
        "kvk_number",
        "trade_name",
        "street_address",
        "postcode",
        "city",
        "municipality",
        "sector",
        "size_class",
        "website",
        "relationship_owner",
        "status",
        "story_what",
        "story_passion",
        "story_culture",
        "story_views",
        "story_values",
    }
)
STORY_FIELDS = frozenset(
    {"story_what", "story_passion", "story_culture", "story_views", "story_values"}
)
CONTACT_FIELDS = frozenset({"name", "role", "email", "phone", "is_primary", "user"})
OPENING_FIELDS = frozenset(
    {
        "kind",
        "title",
        "description",
        "hours_per_week",
        "location_postcode",
        "start_date",
        "end_date",
        "places",
        "status",
    }
)
REFERRAL_FIELDS = frozenset(
    {
        "company_name",
        "kvk_number",
        "postcode",
        "contact_name",
        "contact_email",
        "contact_phone",
        "need",
        "municipality",
    }
)


def _check_fields(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")


def _kvk_taken() -> ValidationError:
    return ValidationError(
        {"kvk_number": _("An employer with this KvK number is already registered.")},
        code="unique",
    )


def _check_relationship_owner(employer: Employer) -> None:
    """The relationship owner keeps the contact warm, so must be able to open the file: a
    coordinator, or a caseworker of the employer's municipality."""
    owner = employer.relationship_owner
    if owner is None or (owner.is_active and owner.role == Role.COORDINATOR):
        return
    if (
        owner.is_active
        and owner.role == Role.CASEWORKER
        and owner.municipalities.filter(pk=employer.municipality_id).exists()
    ):
        return
    raise ValidationError(
        {
            "relationship_owner": _(
                "Choose a caseworker who works in %(municipality)s, or a coordinator."
            )
            % {"municipality": employer.municipality}
        }
    )


def _save_employer(employer: Employer, update_fields: list[str] | None = None) -> None:
    """Saves after validation; a KvK number taken by a concurrent save becomes a field error."""
    employer.full_clean()
    if update_fields is None or {"relationship_owner", "municipality"} & set(update_fields):
        _check_relationship_owner(employer)
    try:
        with transaction.atomic():
            employer.save(update_fields=update_fields)
    except IntegrityError as exc:
        if "kvk" in str(exc):
            raise _kvk_taken() from exc
        raise


@transaction.atomic
def employer_create(
    *,
    created_by: User | None,
    kvk_number: str,
    trade_name: str,
    postcode: str,
    municipality: Municipality,
    valued_skills: Iterable[str] = (),
    **fields: Any,
) -> Employer:
    """Registers an employer; the postcode is stored normalised (``5171 AB``).

    Raises ValidationError (per field) for a bad or already registered KvK number, a bad
    postcode, or any other invalid value; nothing is saved then. Two concurrent creates with the
    same KvK number: the unique constraint lets one win, the other gets the field error.
    """
    _check_fields(fields, EMPLOYER_FIELDS)
    employer = Employer(
        kvk_number=(kvk_number or "").strip(),
        trade_name=trade_name,
        postcode=_normalised_postcode(postcode, "postcode"),
        municipality=municipality,
        **fields,
    )
    if employer.relationship_owner is None and created_by is not None and created_by.is_caseworker:
        employer.relationship_owner = created_by
    _save_employer(employer)
    employer.valued_skills.set(skills_from_names(valued_skills))
    return employer


@transaction.atomic
def employer_update(
    *,
    employer: Employer,
    updated_by: User | None,
    valued_skills: Iterable[str] | None = None,
    **fields: Any,
) -> Employer:
    """Changes the given fields only (``valued_skills``: None leaves the tags alone).

    Raises ValidationError per field; the row is then left as it was.
    """
    _check_fields(fields, EMPLOYER_FIELDS)
    if "postcode" in fields:
        fields["postcode"] = _normalised_postcode(fields["postcode"], "postcode")
    if "kvk_number" in fields:
        fields["kvk_number"] = (fields["kvk_number"] or "").strip()
    original = {name: getattr(employer, name) for name in fields}
    for name, value in fields.items():
        setattr(employer, name, value)
    try:
        _save_employer(employer, update_fields=[*fields, "updated_at"])
    except ValidationError:
        for name, value in original.items():
            setattr(employer, name, value)
        raise
    if valued_skills is not None:
        employer.valued_skills.set(skills_from_names(valued_skills))
    return employer


@transaction.atomic
def employer_story_update(
    *,
    employer: Employer,
    updated_by: User,
    valued_skills: Iterable[str] | None = None,
    **story: str,
) -> Employer:
    """The employer keeps its own story (and website and what it values), in the portal or
    through the API; the caseworker sees a line in the timeline naming what changed (in the
    office language, whatever language the employer uses). Raises ValidationError per field.
    """
    unknown = set(story) - STORY_FIELDS - {"website"}
    if unknown:
        raise TypeError(f"not part of the story: {', '.join(sorted(unknown))}")
    changed = [name for name, value in story.items() if getattr(employer, name) != value]
    before = set(employer.valued_skills.values_list("name", flat=True))
    employer_update(employer=employer, updated_by=updated_by, valued_skills=valued_skills, **story)
    after = set(employer.valued_skills.values_list("name", flat=True))
    if changed or before != after:
        names = changed + (["valued_skills"] if before != after else [])
        with translation.override(settings.LANGUAGE_CODE):
            labels = ", ".join(str(Employer._meta.get_field(name).verbose_name) for name in names)
            summary = _("Updated in the portal: %(fields)s.") % {"fields": labels}
        contact_moment_record(
            employer=employer, author=updated_by, kind=ContactKind.OTHER, summary=summary
        )
    return employer


def _normalised_postcode(value: str, field: str) -> str:
    try:
        return normalise_postcode(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from exc


@transaction.atomic
def employer_contact_create(
    *, employer: Employer, created_by: User | None, name: str, **fields: Any
) -> EmployerContact:
    """Adds a person at the employer; the creation of this personal record is audited."""
    _check_fields(fields, CONTACT_FIELDS)
    contact = EmployerContact(employer=employer, name=name, **fields)
    contact.full_clean()
    contact.save()
    audit_record(actor=created_by, action=AuditAction.CREATE, obj=contact)
    return contact


@transaction.atomic
def employer_contact_update(
    *, contact: EmployerContact, updated_by: User | None, **fields: Any
) -> EmployerContact:
    """Changes a contact person; audited with the names of the changed fields (not values)."""
    _check_fields(fields, CONTACT_FIELDS)
    changed = [name for name, value in fields.items() if getattr(contact, name) != value]
    for name in changed:
        setattr(contact, name, fields[name])
    contact.full_clean()
    if changed:
        contact.save(update_fields=changed)
        audit_record(
            actor=updated_by, action=AuditAction.UPDATE, obj=contact, detail={"fields": changed}
        )
    return contact


def contact_moment_record(
    *,
    employer: Employer,
    author: User | None,
    kind: str,
    summary: str,
    happened_at: datetime | None = None,
) -> ContactMoment:
    """Adds a line to the employer's timeline (default: now).

    A prospect we have just spoken to is not dormant: a dormant employer becomes an active
    relation again when a contact is recorded.
    """
    moment = ContactMoment(
        employer=employer,
        author=author,
        kind=kind,
        summary=(summary or "").strip(),
        happened_at=happened_at or timezone.now(),
    )
    moment.full_clean(exclude=["author"])
    with transaction.atomic():
        moment.save()
        if employer.status == EmployerStatus.DORMANT:
            employer.status = EmployerStatus.ACTIVE
            employer.save(update_fields=["status", "updated_at"])
    return moment


def _clean_opening(opening: Opening) -> None:
    if opening.location_postcode:
        opening.location_postcode = _normalised_postcode(
            opening.location_postcode, "location_postcode"
        )
    if opening.start_date and opening.end_date and opening.end_date < opening.start_date:
        raise ValidationError({"end_date": _("The end cannot be before the start.")})
    opening.full_clean()


@transaction.atomic
def opening_create(
    *,
    employer: Employer,
    created_by: User | None,
    kind: str,
    title: str,
    competences: Iterable[str] = (),
    **fields: Any,
) -> Opening:
    """Records what the employer offers: vacancy, development placement, buddy or visit host."""
    _check_fields(fields, OPENING_FIELDS)
    opening = Opening(employer=employer, created_by=created_by, kind=kind, title=title, **fields)
    _clean_opening(opening)
    opening.save()
    opening.competences.set(skills_from_names(competences))
    return opening


@transaction.atomic
def opening_update(
    *,
    opening: Opening,
    updated_by: User | None,
    competences: Iterable[str] | None = None,
    **fields: Any,
) -> Opening:
    _check_fields(fields, OPENING_FIELDS)
    original = {name: getattr(opening, name) for name in fields}
    for name, value in fields.items():
        setattr(opening, name, value)
    try:
        _clean_opening(opening)
    except ValidationError:
        for name, value in original.items():
            setattr(opening, name, value)
        raise
    opening.save(update_fields=[*fields, "updated_at"] if fields else ["updated_at"])
    if competences is not None:
        opening.competences.set(skills_from_names(competences))
    return opening


@transaction.atomic
def opening_close(*, opening: Opening, closed_by: User | None, filled: bool = False) -> Opening:
    """Open → filled (someone got it) or closed (withdrawn). Only an open opening can close.

    Locks the row so two people closing at once give one transition and one clear refusal.
    """
    locked = Opening.objects.select_for_update().get(pk=opening.pk)
    if locked.status != OpeningStatus.OPEN:
        raise ValidationError(_("This opening is no longer open."), code="not_open")
    locked.status = OpeningStatus.FILLED if filled else OpeningStatus.CLOSED
    locked.save(update_fields=["status", "updated_at"])
    opening.status = locked.status
    return locked


@transaction.atomic
def referral_record(
    *,
    referring_employer: Employer,
    recorded_by: User | None,
    company_name: str,
    need: str,
    **fields: Any,
) -> Referral:
    """Notes an employer's tip about a fellow company that needs people.

    Without a municipality, the tip is placed in the referring employer's municipality.
    """
    _check_fields(fields, REFERRAL_FIELDS)
    referral = Referral(
        referring_employer=referring_employer,
        referred_by=recorded_by,
        company_name=company_name,
        need=need,
        **fields,
    )
    if referral.postcode:
        referral.postcode = _normalised_postcode(referral.postcode, "postcode")
    if referral.municipality_id is None:
        referral.municipality = referring_employer.municipality
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_update(*, referral: Referral, updated_by: User | None, **fields: Any) -> Referral:
    _check_fields(fields, REFERRAL_FIELDS)
    for name, value in fields.items():
        setattr(referral, name, value)
    if referral.postcode:
        referral.postcode = _normalised_postcode(referral.postcode, "postcode")
    referral.full_clean()
    referral.save(update_fields=list(fields))
    return referral


class ReferralNotConvertible(ValidationError):
    """The tip cannot become a prospect (yet); ``existing`` names an employer with its KvK."""

    def __init__(self, message, *, code: str, existing: Employer | None = None):
        super().__init__(message, code=code)
        self.existing = existing


@transaction.atomic
def referral_convert_to_prospect(*, referral: Referral, converted_by: User) -> Employer:
    """Turns a tip into a new ``Employer`` prospect in one step and marks the tip converted.

    The prospect gets the tip's KvK number, postcode, municipality (else the referring
    employer's), the tipped contact as primary contact, ``converted_by`` as relationship owner
    when a caseworker, and a first timeline line with who tipped and what is needed.

    Refuses (ReferralNotConvertible, nothing changed) when the tip was handled already, when it
    lacks a KvK number or postcode, or when an employer with that KvK number exists
    (``existing`` is then set, so the page can link to it). The tip's row is locked, so a double
    click makes one prospect.
    """
    referral = (
        Referral.objects.select_for_update()
        .select_related("referring_employer")
        .get(pk=referral.pk)
    )
    if referral.status != ReferralStatus.NEW:
        raise ReferralNotConvertible(
            _("This tip has already been handled."), code="already_handled"
        )
    if not (referral.kvk_number and referral.postcode):
        raise ReferralNotConvertible(
            _("Add the KvK number and postcode of the tipped company first."),
            code="incomplete",
        )
    existing = Employer.objects.filter(kvk_number=referral.kvk_number).first()
    if existing is not None:
        raise ReferralNotConvertible(
            _("An employer with KvK number %(kvk)s is already registered: %(name)s.")
            % {"kvk": existing.kvk_number, "name": existing.trade_name},
            code="exists",
            existing=existing,
        )
    municipality = referral.municipality or referral.referring_employer.municipality
    try:
        employer = employer_create(
            created_by=converted_by,
            kvk_number=referral.kvk_number,
            trade_name=referral.company_name,
            postcode=referral.postcode,
            municipality=municipality,
            status=EmployerStatus.PROSPECT,
        )
    except ValidationError as exc:
        raise ReferralNotConvertible(" ".join(exc.messages), code="invalid") from exc
    if referral.contact_name:
        employer_contact_create(
            employer=employer,
            created_by=converted_by,
            name=referral.contact_name,
            email=referral.contact_email,
            phone=referral.contact_phone,
            is_primary=True,
        )
    contact_moment_record(
        employer=employer,
        author=converted_by,
        kind=ContactKind.OTHER,
        summary=_("Tip from %(employer)s: %(need)s")
        % {"employer": referral.referring_employer.trade_name, "need": referral.need},
    )
    referral.status = ReferralStatus.CONVERTED
    referral.converted_employer = employer
    referral.save(update_fields=["status", "converted_employer"])
    return employer


@transaction.atomic
def referral_decline(*, referral: Referral, declined_by: User | None) -> Referral:
    """Marks a new tip as not worth following up."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.NEW:
        raise ValidationError(_("This tip has already been handled."), code="already_handled")
    locked.status = ReferralStatus.DECLINED
    locked.save(update_fields=["status"])
    return locked
