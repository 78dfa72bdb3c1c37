"""Demo visits: a year of held visits with reports, clicks and actions, and upcoming ones.

Every visit has an alderman or mayor. Runs after employers and jobseekers (``ctx.extra``) and
falls back to what is in the database. Idempotent: the past year is written once (recognised by
the demo planner's visits), and upcoming visits are topped up to a fixed number, each keyed by
employer and start. Past visits are written directly, without follow-ups: a demo must not send a
year of thank-you mails on its first day.
"""

from __future__ import annotations

import datetime
import random

from django.db.models import Exists, OuterRef
from django.utils import timezone

from baanbrekers.demo import DemoContext, demo_user
from baanbrekers.models import Role
from employers.models import Employer
from jobseekers.models import Consent, ConsentKind, JobSeeker

from .models import Click, Visit, VisitAction, VisitReport, VisitSignUp, VisitStaff, VisitStatus

EXTRA_ALDERMEN = [
    # email, first name, last name, CBS code
    ("wethouder.loonopzand@example.org", "Lotte", "van Loon", "GM0809"),
    ("burgemeester.waalwijk@example.org", "Bart", "Waalwijker", "GM0867"),
]

PURPOSES = [
    "Kennismaken met het bedrijf en het verhaal achter de producten.",
    "Bekijken welke ontwikkelplekken er mogelijk zijn op de werkvloer.",
    "Samen met de wethouder het gesprek over SROI en nieuwe instroom.",
    "Werkzoekenden laten zien hoe het werk eruitziet en wie er werken.",
]
LEARNT = [
    "Het bedrijf groeit en zoekt mensen die willen leren; vakkennis is minder belangrijk dan "
    "motivatie en betrouwbaarheid.",
    "Er is ruimte voor twee ontwikkelplekken in de productie; een vaste begeleider is beschikbaar.",
    "De eigenaar wil graag meer doen voor de regio en staat open voor een maatje-traject.",
    "Ploegendiensten zijn lastig voor sommige kandidaten; de dagdienst biedt kansen.",
]
ACTIONS = [
    "Vacature voor productiemedewerker uitwerken met HR",
    "Proefdag plannen voor de kandidaat met een klik",
    "Terugkoppeling aan de wethouder over de SROI-afspraken",
    "Informatie over loonkostensubsidie sturen",
]
PAST_VISITS = 24
UPCOMING_VISITS = 8


def _aldermen(ctx: DemoContext) -> dict[int, list]:
    """Aldermen by municipality id; the demo alderman plus one for each other municipality."""
    aldermen = [ctx.users[Role.ALDERMAN]] if Role.ALDERMAN in ctx.users else []
    for email, first, last, code in EXTRA_ALDERMEN:
        municipality = ctx.municipalities.get(code)
        if municipality is None:
            continue
        aldermen.append(
            demo_user(
                ctx,
                email=email,
                role=Role.ALDERMAN,
                first_name=first,
                last_name=last,
                municipalities=[municipality],
            )
        )
    by_municipality: dict[int, list] = {}
    for alderman in aldermen:
        for municipality in alderman.municipalities.all():
            by_municipality.setdefault(municipality.pk, []).append(alderman)
    return by_municipality


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed(ctx: DemoContext) -> None:
    caseworker = ctx.users.get(Role.CASEWORKER)
    coordinator = ctx.users.get(Role.COORDINATOR)
    planner = caseworker or coordinator
    employers = ctx.extra.get("employers") or list(Employer.objects.order_by("pk")[:40])
    if planner is None or not employers:
        ctx.log.append("Visits: no employers or caseworker yet, nothing to seed.")
        return
    aldermen = _aldermen(ctx)
    fallback_aldermen = [a for group in aldermen.values() for a in group]
    if not fallback_aldermen:
        ctx.log.append("Visits: no alderman, nothing to seed.")
        return
    jobseekers = ctx.extra.get("jobseekers") or list(JobSeeker.objects.order_by("pk")[:200])
    consenting = list(
        JobSeeker.objects.filter(pk__in=[j.pk for j in jobseekers])
        .filter(
            Exists(Consent.objects.filter(jobseeker=OuterRef("pk"), kind=ConsentKind.JOIN_VISITS))
        )
        .order_by("pk")
    )
    by_municipality: dict[int, list[JobSeeker]] = {}
    for person in consenting:
        by_municipality.setdefault(person.municipality_id, []).append(person)

    rng = random.Random(4)
    today = timezone.localdate()
    demo_visits = Visit.objects.filter(planned_by=planner, employer__in=employers)

    def alderman_for(employer):
        return rng.choice(aldermen.get(employer.municipality_id) or fallback_aldermen)

    def people_for(employer, n):
        pool = by_municipality.get(employer.municipality_id) or consenting
        return rng.sample(pool, min(n, len(pool)))

    created_past = 0
    if not demo_visits.filter(status=VisitStatus.HELD).exists():
        staff_rows, signup_rows, click_rows, action_rows, reports = [], [], [], [], []
        for i in range(PAST_VISITS):
            employer = employers[i % len(employers)]
            day = today - datetime.timedelta(days=15 * (i + 1) + rng.randint(0, 6))
            while day.weekday() >= 5:
                day -= datetime.timedelta(days=1)
            visit = Visit.objects.create(
                employer=employer,
                starts_at=_at(day, rng.choice([9, 10, 13, 14])),
                duration_minutes=rng.choice([60, 90, 120]),
                place=", ".join(p for p in (employer.street_address, employer.city) if p),
                purpose=rng.choice(PURPOSES),
                host=employer.contacts.first(),
                status=VisitStatus.HELD,
                capacity=4,
                planned_by=planner,
            )
            created_past += 1
            staff_rows += [
                VisitStaff(visit=visit, user=planner),
                VisitStaff(visit=visit, user=alderman_for(employer)),
            ]
            came = people_for(employer, rng.randint(0, 3))
            signup_rows += [
                VisitSignUp(visit=visit, jobseeker=p, signed_up_by=planner) for p in came
            ]
            clicked = came[: rng.randint(0, len(came))]
            click_rows += [
                Click(
                    visit=visit,
                    jobseeker=p,
                    note="Klik over en weer; proefdag afgesproken.",
                    created_by=planner,
                )
                for p in clicked
            ]
            reports.append(VisitReport(visit=visit, learnt=rng.choice(LEARNT), written_by=planner))
            action_rows.append(
                VisitAction(
                    visit=visit,
                    what=rng.choice(ACTIONS),
                    owner=planner,
                    due_on=day + datetime.timedelta(days=14),
                    done=i > 1,
                    done_at=_at(day + datetime.timedelta(days=10), 12) if i > 1 else None,
                )
            )
        VisitStaff.objects.bulk_create(staff_rows, ignore_conflicts=True)
        VisitSignUp.objects.bulk_create(signup_rows, ignore_conflicts=True)
        Click.objects.bulk_create(click_rows, ignore_conflicts=True)
        VisitReport.objects.bulk_create(reports)
        VisitAction.objects.bulk_create(action_rows)

    upcoming = demo_visits.filter(status=VisitStatus.PLANNED, starts_at__gte=timezone.now())
    missing = max(UPCOMING_VISITS - upcoming.count(), 0)
    created_upcoming = 0
    for i in range(missing):
        employer = employers[(i * 3 + 1) % len(employers)]
        day = today + datetime.timedelta(days=3 + 5 * i)
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        visit, created = Visit.objects.get_or_create(
            employer=employer,
            starts_at=_at(day, 10 if i % 2 else 14),
            defaults={
                "duration_minutes": 90,
                "place": ", ".join(p for p in (employer.street_address, employer.city) if p),
                "purpose": PURPOSES[i % len(PURPOSES)],
                "host": employer.contacts.first(),
                "capacity": 4,
                "planned_by": planner,
            },
        )
        if created:
            created_upcoming += 1
            VisitStaff.objects.bulk_create(
                [
                    VisitStaff(visit=visit, user=planner),
                    VisitStaff(visit=visit, user=alderman_for(employer)),
                ],
                ignore_conflicts=True,
            )
            VisitSignUp.objects.bulk_create(
                [
                    VisitSignUp(visit=visit, jobseeker=p, signed_up_by=planner)
                    for p in people_for(employer, rng.randint(0, 2))
                ],
                ignore_conflicts=True,
            )
    ctx.log.append(f"Visits: {created_past} past and {created_upcoming} upcoming added.")
