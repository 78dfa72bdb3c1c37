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

# The fields each use case takes, in the order pages show them. The page forms, the portal, the
# API serializers and the admin list these tuples rather than their own copies.
COMPANY_FIELDS = ("trade_name", "kvk_number", "status")
STORY_FIELDS = ("story_what", "story_passion", "story_culture", "story_views", "story_values")
ADDRESS_FIELDS = (
    "street_address",
    "postcode",
    "city",
    "municipality",
    "sector",
    "size_class",
    "website",
)
EMPLOYER_FIELDS = frozenset({*COMPANY_FIELDS, *STORY_FIELDS, *ADDRESS_FIELDS, "relationship_owner"})
CONTACT_FIELDS = ("name", "role", "email", "phone", "is_primary")
# What an opening says, whoever writes it (staff and the employer alike); the status changes
# through opening_close / opening_reopen, the vocabulary words through staff only.
OPENING_FIELDS = (
    "kind",
    "title",
    "description",
    "hours_per_week",
    "places",
    "location_postcode",
    "start_date",
    "end_date",
)
REFERRAL_FIELDS = (
    "company_name",
    "need",
    "kvk_number",
    "postcode",
    "municipality",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def _check_fields(fields: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
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
        postcode=postcode,
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
    unknown = set(story) - {*STORY_FIELDS, "website"}
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


@transaction.atomic
def employer_contact_create(
    *, employer: Employer, created_by: User | None, name: str, **fields: Any
) -> EmployerContact:
    """Adds a person at the employer; the creation of this personal record is audited."""
    _check_fields(fields, {*CONTACT_FIELDS, "user"})
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
    _check_fields(fields, {*CONTACT_FIELDS, "user"})
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
    """The limits table and the opening's own rules (``Opening.clean``): hours, postcode in the
    region, dates in the planning window, a new opening not in the past, end after start."""
    opening.full_clean()


def competence_suggestions_from(words: Iterable[str] | str) -> str:
    """The employer's words, one a line, without repeats (case-insensitive), as stored."""
    if isinstance(words, str):
        words = words.replace(",", "\n").splitlines()
    seen: dict[str, str] = {}
    for word in words:
        word = " ".join(str(word).split())
        if word and word.lower() not in seen:
            seen[word.lower()] = word
    return "\n".join(seen.values())


@transaction.atomic
def opening_create(
    *,
    employer: Employer,
    created_by: User | None,
    kind: str,
    title: str,
    competences: Iterable[str] = (),
    suggested_competences: Iterable[str] | str = (),
    **fields: Any,
) -> Opening:
    """Records what the employer offers: vacancy, development placement, buddy or visit host.

    ``competences`` are words of the shared vocabulary (staff: unknown words join it);
    ``suggested_competences`` are an employer's own words, kept on the opening until staff map
    them (``opening_competences_map``). Raises ValidationError per field (limits table).
    """
    _check_fields(fields, OPENING_FIELDS)
    opening = Opening(
        employer=employer,
        created_by=created_by,
        kind=kind,
        title=title,
        suggested_competences=competence_suggestions_from(suggested_competences),
        **fields,
    )
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
    suggested_competences: Iterable[str] | str | None = None,
    status: str | None = None,
    **fields: Any,
) -> Opening:
    """Changes what an opening says (staff on the employer page, the employer in the portal).

    ``competences`` (vocabulary words; staff only) and ``suggested_competences`` (the employer's
    words): ``None`` leaves them alone. A changed ``status`` goes through ``opening_status_set``
    (close or reopen, with their rules). Raises ValidationError per field; the opening is then
    left as it was.
    """
    _check_fields(fields, OPENING_FIELDS)
    if suggested_competences is not None:
        fields["suggested_competences"] = competence_suggestions_from(suggested_competences)
    original = {name: getattr(opening, name) for name in fields}
    for name, value in fields.items():
        setattr(opening, name, value)
    try:
        _clean_opening(opening)
    except ValidationError:
        for name, value in original.items():
            setattr(opening, name, value)
        raise
    opening.save(update_fields=[*fields, "updated_at"])
    if competences is not None:
        opening.competences.set(skills_from_names(competences))
    if status is not None and status != opening.status:
        opening = opening_status_set(opening=opening, status=status, changed_by=updated_by)
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
def opening_reopen(*, opening: Opening, reopened_by: User | None) -> Opening:
    """Closed or filled → open again (a "Sluiten" undone, or a place that came free).

    An opening whose end date has passed cannot reopen: change the dates first. Locks the row,
    so two people reopening at once give one transition and one clear refusal.
    """
    locked = Opening.objects.select_for_update().get(pk=opening.pk)
    if locked.status == OpeningStatus.OPEN:
        raise ValidationError(_("This opening is already open."), code="already_open")
    if locked.end_date and locked.end_date < timezone.localdate():
        raise ValidationError(
            {"end_date": _("This opening has ended; change its end date to reopen it.")},
            code="ended",
        )
    locked.status = OpeningStatus.OPEN
    locked.save(update_fields=["status", "updated_at"])
    opening.status = locked.status
    return locked


@transaction.atomic
def opening_status_set(*, opening: Opening, status: str, changed_by: User | None) -> Opening:
    """Open, filled or closed, by the one close or reopen step (the API's PATCH of a status)."""
    if status == OpeningStatus.OPEN:
        return opening_reopen(opening=opening, reopened_by=changed_by)
    if status in (OpeningStatus.FILLED, OpeningStatus.CLOSED):
        if opening.status != OpeningStatus.OPEN:
            # Filled <-> closed: reopen first, in the same transaction.
            opening = opening_reopen(opening=opening, reopened_by=changed_by)
        return opening_close(
            opening=opening, closed_by=changed_by, filled=status == OpeningStatus.FILLED
        )
    raise ValidationError({"status": _("Choose open, filled or closed.")}, code="invalid")


@transaction.atomic
def opening_competences_map(
    *, opening: Opening, mapped_by: User, mapping: dict[str, str]
) -> Opening:
    """Staff map the employer's suggested words onto the shared vocabulary.

    ``mapping`` gives for each suggestion the vocabulary word it stands for; an empty word
    drops the suggestion. A word not yet in the vocabulary is added: staff decide that, never
    the employer's form. Every suggestion named is handled and removed from the opening; any
    not named stays for later. Locks the opening so two staff mapping at once do not lose words.
    """
    locked = Opening.objects.select_for_update().get(pk=opening.pk)
    handled = {word.lower() for word in mapping}
    targets = [target for target in mapping.values() if (target or "").strip()]
    locked.competences.add(*skills_from_names(targets))
    locked.suggested_competences = "\n".join(
        word for word in locked.competence_suggestions if word.lower() not in handled
    )
    locked.save(update_fields=["suggested_competences", "updated_at"])
    opening.suggested_competences = locked.suggested_competences
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

    Without a municipality, the tip is placed in the referring employer's municipality. A tip
    naming the referring company's own KvK number is refused: it is not a fellow company, and
    it would count as a tip in the company's impact.
    """
    _check_fields(fields, REFERRAL_FIELDS)
    _referral_not_own_kvk(referring_employer, fields.get("kvk_number"))
    referral = Referral(
        referring_employer=referring_employer,
        referred_by=recorded_by,
        company_name=company_name,
        need=need,
        **fields,
    )
    if referral.municipality_id is None:
        referral.municipality = referring_employer.municipality
    referral.full_clean()
    referral.save()
    return referral


def _referral_not_own_kvk(referring_employer: Employer, kvk_number: str | None) -> None:
    if kvk_number and kvk_number.strip() == referring_employer.kvk_number:
        raise ValidationError(
            {
                "kvk_number": _(
                    "This is the KvK number of %(name)s itself. A tip is about another company."
                )
                % {"name": referring_employer.trade_name}
            }
        )


@transaction.atomic
def referral_update(*, referral: Referral, updated_by: User | None, **fields: Any) -> Referral:
    _check_fields(fields, REFERRAL_FIELDS)
    if "kvk_number" in fields:
        _referral_not_own_kvk(referral.referring_employer, fields["kvk_number"])
    for name, value in fields.items():
        setattr(referral, name, value)
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
