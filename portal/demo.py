"""Demo data of the employer portal: portal users for a few employers, with proposals waiting.

- employer@example.org (the demo employer contact) represents the demo employer (linked by the
  employers app's demo; made here when that is absent);
- werkgever2@example.org represents two more companies, to show switching between them;
- nieuw@example.org has signed up and asked to join a fourth company by KvK number: a claim that
  waits for a caseworker (``/portal/requests/``).

Each linked company gets an open offer and a few candidates waiting for an answer: job seekers who
consent today to sharing an anonymised profile. Idempotent (natural keys) and robust: without
other apps' demo data it makes two small employers of its own and skips the candidates.
"""

from __future__ import annotations

from baanbrekers.demo import DemoContext, demo_user
from baanbrekers.models import Role
from employers import services as employer_services
from employers.models import Employer, EmployerContact, Opening, OpeningKind, OpeningStatus
from jobseekers.models import ConsentKind, JobSeeker
from placements.models import Proposal

from .models import ClaimStatus, CompanyClaim

# Invented companies, used only when the employers app made none (KvK numbers start with 9).
FALLBACK_EMPLOYERS = [
    ("90000101", "Demo Bakkerij De Korenbloem", "5251 AB", "GM0797"),
    ("90000102", "Demo Schoenfabriek Langstraat", "5141 AA", "GM0867"),
    ("90000103", "Demo Hoveniers Loonse Duinen", "5171 AB", "GM0809"),
]
CANDIDATES_PER_OPENING = 3
MOTIVATIONS = [
    "Nauwkeurig en altijd op tijd; wil graag in een vast team werken.",
    "Handig met machines en leert snel; zoekt een plek om te groeien.",
    "Vriendelijk naar klanten en goed in plannen.",
]


def _employers(ctx: DemoContext) -> list[Employer]:
    employers = list(ctx.extra.get("employers") or Employer.objects.order_by("pk")[:10])
    if len(employers) >= len(FALLBACK_EMPLOYERS):
        return employers
    for kvk, name, postcode, code in FALLBACK_EMPLOYERS:
        municipality = ctx.municipalities.get(code)
        if municipality is None or Employer.objects.filter(kvk_number=kvk).exists():
            continue
        employer_services.employer_create(
            created_by=None,
            kvk_number=kvk,
            trade_name=name,
            postcode=postcode,
            municipality=municipality,
            status="active",
            story_what="Een verzonnen bedrijf voor de demo.",
        )
    return list(Employer.objects.order_by("pk")[:10])


def _link(user, employer: Employer, role: str) -> None:
    EmployerContact.objects.get_or_create(
        employer=employer,
        user=user,
        defaults={"name": user.get_full_name() or user.email, "role": role, "email": user.email},
    )


def _open_offer(employer: Employer, user) -> Opening:
    opening = (
        Opening.objects.filter(
            employer=employer,
            status=OpeningStatus.OPEN,
            kind__in=[OpeningKind.VACANCY, OpeningKind.PLACEMENT],
        )
        .order_by("pk")
        .first()
    )
    if opening is None:
        opening, _ = Opening.objects.get_or_create(
            employer=employer,
            title="Medewerker productie (demo)",
            defaults={"kind": OpeningKind.VACANCY, "hours_per_week": 24, "created_by": user},
        )
    return opening


def seed(ctx: DemoContext) -> None:
    contact_user = ctx.users.get(Role.EMPLOYER_CONTACT)
    employers = _employers(ctx)
    if contact_user is None or len(employers) < 2:
        ctx.log.append("Portal: skipped (no employers or no demo employer contact).")
        return
    demo_employer = ctx.extra.get("demo_employer") or employers[0]
    others = [e for e in employers if e.pk != demo_employer.pk]
    _link(contact_user, demo_employer, "eigenaar")
    second = demo_user(
        ctx,
        email="werkgever2@example.org",
        role=Role.EMPLOYER_CONTACT,
        first_name="Hanneke",
        last_name="de Werkgever",
    )
    linked = [demo_employer]
    for employer in others[:2]:
        _link(second, employer, "HR-adviseur")
        linked.append(employer)
    if len(others) >= 3:
        newcomer = demo_user(
            ctx,
            email="nieuw@example.org",
            role=Role.EMPLOYER_CONTACT,
            first_name="Niels",
            last_name="Nieuwkomer",
        )
        if not CompanyClaim.objects.filter(user=newcomer, employer=others[2]).exists():
            CompanyClaim.objects.create(
                user=newcomer,
                employer=others[2],
                kvk_number=others[2].kvk_number,
                job_title="Bedrijfsleider",
                status=ClaimStatus.PENDING,
            )

    caseworker = ctx.users.get(Role.CASEWORKER)
    consenting = (
        JobSeeker.objects.looking_for_work().consenting_to(ConsentKind.SHARE_PROFILE).order_by("pk")
    )
    people = list(consenting[: CANDIDATES_PER_OPENING * len(linked)])
    proposals = []
    for index, employer in enumerate(linked):
        opening = _open_offer(employer, contact_user)
        chunk = people[index * CANDIDATES_PER_OPENING : (index + 1) * CANDIDATES_PER_OPENING]
        for n, person in enumerate(chunk):
            proposals.append(
                Proposal(
                    jobseeker=person,
                    opening=opening,
                    proposed_by=caseworker,
                    motivation=MOTIVATIONS[n % len(MOTIVATIONS)],
                )
            )
    # Already proposed pairs are left as they are (unique per job seeker and opening).
    Proposal.objects.bulk_create(proposals, ignore_conflicts=True)
    ctx.log.append(
        f"Portal: {len(linked)} companies with portal users, {len(proposals)} candidates offered "
        "(employer@example.org; werkgever2@example.org for two; nieuw@example.org awaits "
        "approval)."
    )
