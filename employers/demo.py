"""Demo employers: about sixty invented companies in Heusden, Loon op Zand and Waalwijk.

Everything here is synthetic: the firms, people, KvK numbers and phone numbers are made up (KvK
numbers start with 9 and are derived from the name, so they are stable between runs). The
Langstraat (Waalwijk, Kaatsheuvel, Sprang-Capelle) is shoe and leather country, Kaatsheuvel has
its theme park and the hospitality around it, Heusden its fortified town, nurseries and
transport along the Maas: the stories follow the region.

Idempotent on natural keys (KvK number; employer + name for contacts and openings) and quick:
a fixed number of queries, whatever the number of employers. Gives later apps
``ctx.extra["employers"]`` (list, in a stable order), ``ctx.extra["openings"]`` and
``ctx.extra["sectors"]`` (by SBI code), and ``ctx.extra["demo_employer"]``: the company of the demo
employer contact (employer@example.org).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from baanbrekers.demo import DemoContext
from baanbrekers.models import Role
from baanbrekers.services import skills_from_names

from .models import (
    ContactKind,
    ContactMoment,
    Employer,
    EmployerContact,
    EmployerStatus,
    Opening,
    OpeningKind,
    Sector,
    SizeClass,
)

# The literals (SBI sectors, places, names, the twenty kinds of company with their stories and
# openings, contact-moment templates) are data, kept in data/demo_employers.json; the logic that
# turns them into records stays here.
_DATA = json.loads((Path(__file__).parent / "data" / "demo_employers.json").read_text("utf-8"))

SECTIONS: dict[str, str] = _DATA["sections"]  # SBI section letter -> label
FINER: dict[str, tuple[str, str]] = {  # SBI code -> (section letter, label)
    code: (section, label) for code, (section, label) in _DATA["finer"].items()
}
# Places per municipality (CBS code), with the four digits of their postcodes.
PLACES: dict[str, list[tuple[str, str]]] = {
    code: [(place, pc4) for place, pc4 in places] for code, places in _DATA["places"].items()
}
STREETS: list[str] = _DATA["streets"]
LETTERS: str = _DATA["postcode_letters"]
FIRST_NAMES: list[str] = _DATA["first_names"]
LAST_NAMES: list[str] = _DATA["last_names"]
CONTACT_ROLES: list[str] = _DATA["contact_roles"]


@dataclass
class Kind:
    """One kind of company of the region, with the story its three demo firms share."""

    sector: str
    size: str
    names: list[tuple[str, str]]  # (trade name, municipality code)
    what: str
    passion: str
    culture: str
    views: str
    values: str
    skills: list[str]
    # (kind, title, description, wanted skills, hours per week)
    openings: list[tuple[str, str, str, list[str], int]] = field(default_factory=list)

    @classmethod
    def from_data(cls, row: dict) -> Kind:
        return cls(
            **{
                **row,
                "size": SizeClass(row["size"]),
                "names": [(name, code) for name, code in row["names"]],
                "openings": [
                    (
                        OpeningKind(o["kind"]),
                        o["title"],
                        o["description"],
                        o["competences"],
                        o["hours_per_week"],
                    )
                    for o in row["openings"]
                ],
            }
        )


KINDS: list[Kind] = [Kind.from_data(row) for row in _DATA["kinds"]]
SKILLS_EXTRA: list[str] = _DATA["skills_extra"]
# (kind of contact, summary template with {who}, {name} and {skill})
MOMENTS: list[tuple[str, str]] = [
    (ContactKind(m["kind"]), m["template"]) for m in _DATA["contact_moments"]
]


def _kvk(name: str) -> str:
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    return f"9{digest % 10_000_000:07d}"


def seed(ctx: DemoContext) -> None:
    rng = random.Random(797809867)
    now = timezone.now()

    sectors = _seed_sectors()
    ctx.extra["sectors"] = sectors

    all_skill_names = {s for kind in KINDS for s in kind.skills} | set(SKILLS_EXTRA)
    all_skill_names |= {s for kind in KINDS for o in kind.openings for s in o[3]}
    skills = {s.name.lower(): s for s in skills_from_names(sorted(all_skill_names))}

    caseworker = ctx.users.get(Role.CASEWORKER)
    coordinator = ctx.users.get(Role.COORDINATOR)
    caseworker_codes = (
        set(caseworker.municipalities.values_list("cbs_code", flat=True)) if caseworker else set()
    )

    # 1. Employers, by KvK number.
    specs = []
    for kind in KINDS:
        for index, (name, code) in enumerate(kind.names):
            place, pc4 = rng.choice(PLACES[code])
            postcode = f"{pc4} {rng.choice(LETTERS)}{rng.choice(LETTERS)}"
            status = [EmployerStatus.ACTIVE, EmployerStatus.ACTIVE, EmployerStatus.PROSPECT][index]
            if rng.random() < 0.08:
                status = EmployerStatus.DORMANT
            owner = caseworker if code in caseworker_codes else coordinator
            specs.append((kind, name, code, place, postcode, status, owner))
    kvks = [_kvk(spec[1]) for spec in specs]
    existing = {e.kvk_number: e for e in Employer.objects.filter(kvk_number__in=kvks)}
    new = []
    for (kind, name, code, place, postcode, status, owner), kvk in zip(specs, kvks, strict=True):
        if kvk in existing:
            continue
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:30]
        new.append(
            Employer(
                kvk_number=kvk,
                trade_name=name,
                street_address=f"{rng.choice(STREETS)} {rng.randint(1, 180)}",
                postcode=postcode,
                city=place,
                municipality=ctx.municipalities[code],
                sector=sectors[kind.sector],
                size_class=kind.size,
                website=f"https://www.{slug}.example.nl",
                relationship_owner=owner,
                status=status,
                story_what=kind.what,
                story_passion=kind.passion,
                story_culture=kind.culture,
                story_views=kind.views,
                story_values=kind.values,
            )
        )
    Employer.objects.bulk_create(new)
    employers = {
        e.kvk_number: e
        for e in Employer.objects.filter(kvk_number__in=kvks).select_related("municipality")
    }
    ordered = [employers[k] for k in kvks]
    ctx.extra["employers"] = ordered
    kinds = {employers[k].pk: spec[0] for k, spec in zip(kvks, specs, strict=True)}

    Through = Employer.valued_skills.through
    Through.objects.bulk_create(
        [
            Through(employer_id=e.pk, skill_id=skills[s.lower()].pk)
            for e in ordered
            for s in kinds[e.pk].skills
        ],
        ignore_conflicts=True,
    )

    # 2. Contact persons; the demo employer contact works at the first bakery.
    # Only on the first run: an employer that has contact persons is left alone.
    with_contacts = set(
        EmployerContact.objects.filter(employer__in=ordered).values_list("employer_id", flat=True)
    )
    contacts = []
    for position, employer in enumerate(ordered):
        if employer.pk in with_contacts:
            continue
        for n in range(1 + position % 2):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            contacts.append(
                EmployerContact(
                    employer=employer,
                    name=f"{first} {last}",
                    role=CONTACT_ROLES[(position + n) % len(CONTACT_ROLES)],
                    email=f"{first.lower()}@{employer.website.split('www.')[-1]}",
                    phone=f"06-{rng.randint(10000000, 99999999)}",
                    is_primary=n == 0,
                )
            )
    EmployerContact.objects.bulk_create(contacts)

    demo_employer = ordered[0]
    contact_user = ctx.users.get(Role.EMPLOYER_CONTACT)
    if contact_user is not None:
        EmployerContact.objects.get_or_create(
            employer=demo_employer,
            user=contact_user,
            defaults={
                "name": contact_user.get_full_name() or contact_user.email,
                "role": "eigenaar",
                "email": contact_user.email,
            },
        )
    ctx.extra["demo_employer"] = demo_employer

    # 3. Contact moments: a few per employer, on the first run only.
    with_moments = set(
        ContactMoment.objects.filter(employer__in=ordered).values_list("employer_id", flat=True)
    )
    primary = {
        c.employer_id: c.name
        # Ascending, so the primary contact is written last and wins.
        for c in EmployerContact.objects.filter(employer__in=ordered).order_by("is_primary")
    }
    moments = []
    for employer in ordered:
        if employer.pk in with_moments or employer.status == EmployerStatus.PROSPECT:
            continue
        kind = kinds[employer.pk]
        days_ago = 540 if employer.status == EmployerStatus.DORMANT else 240
        for text_kind, template in rng.sample(MOMENTS, rng.randint(2, 4)):
            days_ago = max(1, days_ago - rng.randint(15, 55))
            moments.append(
                ContactMoment(
                    employer=employer,
                    happened_at=now - timedelta(days=days_ago, hours=rng.randint(0, 8)),
                    kind=text_kind,
                    summary=template.format(
                        who=primary.get(employer.pk, "de eigenaar"),
                        name=employer.trade_name,
                        skill=kind.skills[0].lower(),
                    ),
                    author=employer.relationship_owner,
                )
            )
    ContactMoment.objects.bulk_create(moments)

    # 4. Openings: vacancies, development placements, buddy and visit offers.
    have_openings = set(
        Opening.objects.filter(employer__in=ordered).values_list("employer_id", "title")
    )
    openings = []
    competences = []
    for employer in ordered:
        if employer.status != EmployerStatus.ACTIVE:
            continue
        for kind_, title, description, wanted, hours in kinds[employer.pk].openings:
            if (employer.pk, title) in have_openings:
                continue
            start = (now + timedelta(days=rng.randint(7, 90))).date()
            opening = Opening(
                employer=employer,
                kind=kind_,
                title=title,
                description=description,
                hours_per_week=hours,
                start_date=start,
                end_date=start + timedelta(days=120) if kind_ == OpeningKind.PLACEMENT else None,
                places=rng.choice([1, 1, 2, 3]) if kind_ != OpeningKind.VISIT_HOST else 10,
                created_by=employer.relationship_owner,
            )
            openings.append(opening)
            competences.append(wanted)
    Opening.objects.bulk_create(openings)
    CompetenceThrough = Opening.competences.through
    CompetenceThrough.objects.bulk_create(
        [
            CompetenceThrough(opening_id=o.pk, skill_id=skills[s.lower()].pk)
            for o, wanted in zip(openings, competences, strict=True)
            for s in wanted
        ],
        ignore_conflicts=True,
    )
    ctx.extra["openings"] = list(Opening.objects.filter(employer__in=ordered).order_by("pk"))
    ctx.log.append(
        f"Employers: {len(ordered)} ({len(new)} new), openings: {len(ctx.extra['openings'])}."
    )


def _seed_sectors() -> dict[str, Sector]:
    existing = {s.code: s for s in Sector.objects.all()}
    Sector.objects.bulk_create(
        [Sector(code=c, label=label) for c, label in SECTIONS.items() if c not in existing]
    )
    sections = {s.code: s for s in Sector.objects.filter(code__in=SECTIONS)}
    Sector.objects.bulk_create(
        [
            Sector(code=c, label=label, parent=sections[parent])
            for c, (parent, label) in FINER.items()
            if c not in existing
        ]
    )
    return {s.code: s for s in Sector.objects.filter(code__in=[*SECTIONS, *FINER])}
