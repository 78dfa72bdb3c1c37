"""The bench data set: a database of its own per size, filled once, and the bench's users in it.

The data comes from ``manage.py seed_scale --size SIZE`` (deterministic, resumable). Where that
command is not installed, a minimal stand-in with the same interface fills the database from
``stats.synthetic`` plus names, skills, consents and notes, so the suite still runs.

The bench then adds four users of its own (``bench-*@bench.example.org``), placed where the data
is densest: a caseworker and an alderman of the municipality with the most job seekers, a
coordinator, and an employer contact of the employer there with the most proposals. Which
records each benchmark opens is chosen here too (``Subjects``), the same way on every run.
"""

from __future__ import annotations

import datetime
import secrets
import time
from dataclasses import asdict, dataclass

PASSWORD = "bench-" + "x" * 6 + "-not-secret"  # noqa: S105 - a bench database's throwaway login
MARK = "baanbrekers bench data set"
# The caseworker sees at least this many people (three pages of 25), where the data has them.
ENOUGH_PEOPLE = 75

# Sizes of the stand-in loader (people per municipality, municipalities); seed_scale has its own.
FALLBACK_SIZES = {
    "tiny": (1000, 3),
    "region": (4000, 10),
    "province": (4000, 60),
    "national": (1500, 342),
}


@dataclass
class Subjects:
    """The records the benchmarks open: ids and search words, chosen from the data."""

    municipality: int
    municipality_name: str
    municipalities: int
    caseworker: str
    coordinator: str
    alderman: str
    employer_contact: str
    jobseeker: int
    busiest_jobseeker: int
    employer: int
    opening: int
    name_word: str
    skill: str
    employer_word: str
    jobseekers_total: int
    jobseekers_in_municipality: int

    def as_dict(self) -> dict:
        return asdict(self)


def seed_command_available() -> bool:
    from django.core.management import get_commands

    return "seed_scale" in get_commands()


def database_marked(size: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        (comment,) = cursor.fetchone()
    return comment == f"{MARK}: {size}"


def database_mark(size: str) -> None:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}: {size}'")


def ensure(size: str, log=print) -> str:
    """Fills the current database at ``size`` unless it already is; says which loader ran."""
    from django.core.management import call_command
    from django.db import connection

    if database_marked(size):
        return "present"
    started = time.monotonic()
    if seed_command_available():
        log(f"  seed_scale --size {size} ...")
        call_command("seed_scale", size=size)
        how = "seed_scale"
    else:
        log(f"  seed_scale is not installed: the bench's stand-in loader fills {size} ...")
        fallback_fill(size)
        how = "stand-in loader"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    database_mark(size)
    log(f"  data set {size} ready ({how}) in {time.monotonic() - started:.0f} s")
    return how


def fallback_fill(size: str) -> None:
    """A minimal data set: stats.synthetic's pipeline, then names, skills, consents, notes."""
    from django.db import connection, transaction

    from baanbrekers.models import Municipality, Skill
    from baanbrekers.services import skills_from_names
    from baanbrekers.vocabulary import vocabulary_load
    from employers.models import Opening
    from jobseekers.demo import FIRST_NAMES, LAST_NAMES
    from jobseekers.models import Consent, JobSeeker, JobSeekerNote
    from stats.synthetic import generate

    per_municipality, count = FALLBACK_SIZES[size]
    today = datetime.date.today()
    with transaction.atomic():
        vocabulary_load()
        municipalities = [
            Municipality.objects.get_or_create(
                cbs_code=f"GM{9000 + i:04d}", defaults={"name": f"Benchgemeente {i}"}
            )[0]
            for i in range(count)
        ]
        generate(
            municipalities=municipalities,
            start=today - datetime.timedelta(days=5 * 365),
            days=5 * 365,
            jobseekers_per_municipality=per_municipality,
            employers_per_municipality=max(5, per_municipality // 20),
            seed=14,
            tag="bench",
        )
        skills_from_names(["lassen", "koken", "heftruck rijden", "schoonmaken", "orderpicken"])
        skill_ids = list(Skill.objects.order_by("pk").values_list("pk", flat=True)[:300])
        js = JobSeeker._meta.db_table
        with connection.cursor() as cursor:
            # Names from the demo's lists, statuses mostly active, ladder steps spread.
            cursor.execute(
                f"UPDATE {js} SET first_name = (%s::text[])[1 + id %% %s], "
                f"last_name = (%s::text[])[1 + (id * 7919) %% %s], "
                "status = CASE WHEN id %% 10 < 7 THEN 'active' ELSE status END, "
                "ladder_step = 1 + id %% 6, hours_available = 8 * (1 + id %% 4), "
                "max_travel_km = 10 + id %% 30",
                [FIRST_NAMES, len(FIRST_NAMES), LAST_NAMES, len(LAST_NAMES)],
            )
            for through, factor in (
                (JobSeeker.skills.through, (1, 7, 31)),
                (JobSeeker.interests.through, (3, 11)),
            ):
                for k in factor:
                    cursor.execute(
                        f"INSERT INTO {through._meta.db_table} (jobseeker_id, skill_id) "
                        f"SELECT id, (%s::bigint[])[1 + (id * {k}) %% %s] FROM {js} "
                        "ON CONFLICT DO NOTHING",
                        [skill_ids[:60] if k == 1 else skill_ids, 60 if k == 1 else len(skill_ids)],
                    )
            cursor.execute(
                f"INSERT INTO {Consent._meta.db_table} "
                "(jobseeker_id, kind, given_on, valid_until, created_at) "
                f"SELECT id, 'share_profile', %s, %s, now() FROM {js} WHERE id %% 5 <> 0",
                [today - datetime.timedelta(days=30), today + datetime.timedelta(days=300)],
            )
            # A long file: one person with many notes (the timeline benchmark).
            cursor.execute(
                f"INSERT INTO {JobSeekerNote._meta.db_table} (jobseeker_id, text, created_at) "
                f"SELECT (SELECT min(id) FROM {js}), 'Gesprek ' || n, now() - n * interval '1 day' "
                "FROM generate_series(1, 300) n"
            )
            competences = Opening.competences.through
            cursor.execute(
                f"INSERT INTO {competences._meta.db_table} (opening_id, skill_id) "
                f"SELECT o.id, (%s::bigint[])[1 + (o.id * k) %% 60] FROM {Opening._meta.db_table} o, "
                "generate_series(1, 3) k ON CONFLICT DO NOTHING",
                [skill_ids[:60]],
            )
            cursor.execute(
                f"UPDATE {Opening._meta.db_table} SET kind = 'placement' WHERE id % 2 = 0"
            )


def bench_users_and_subjects(log=print) -> Subjects:
    """Creates (or finds) the bench users where the data is densest; picks what to open."""
    from allauth.account.models import EmailAddress
    from django.db.models import Count

    from baanbrekers.models import Municipality, Role, User
    from employers.models import Employer, EmployerContact, Opening
    from jobseekers.models import JobSeeker

    by_density = list(
        Municipality.objects.annotate(people=Count("jobseekers"))
        .filter(people__gt=0)
        .order_by("-people", "pk")
    )
    # The caseworker's and alderman's municipality: the densest. A tiny data set spreads too few
    # people for pages 1 and 3 of a list: the next densest are added until there are enough.
    region, seen = [], 0
    for municipality in by_density:
        region.append(municipality)
        seen += municipality.people
        if seen >= min(ENOUGH_PEOPLE, sum(m.people for m in by_density)):
            break
    densest = region[0]

    def user(role: str, name: str, municipalities=()) -> str:
        email = f"bench-{name}@bench.example.org"
        found = User.objects.filter(email=email).first()
        if found is None:
            found = User.objects.create_user(email=email, password=PASSWORD, role=role)
            EmailAddress.objects.create(user=found, email=email, verified=True, primary=True)
        found.municipalities.set(municipalities)
        return email

    employers = Employer.objects.filter(municipality__in=region)
    if not employers.exists():
        employers = Employer.objects.all()
    employer = employers.annotate(n=Count("openings__proposals")).order_by("-n", "pk").first()
    contact_email = user(Role.EMPLOYER_CONTACT, "employer")
    EmployerContact.objects.get_or_create(
        employer=employer,
        user=User.objects.get(email=contact_email),
        defaults={"name": "Bench Contact", "email": contact_email, "is_primary": True},
    )
    people = JobSeeker.objects.filter(municipality__in=region).order_by("pk")
    in_municipality = people.count()
    typical = people[in_municipality // 2 : in_municipality // 2 + 1].get()
    busiest = people.annotate(n=Count("notes")).order_by("-n", "pk").first()
    openings = Opening.objects.filter(employer__in=employers).annotate(n=Count("competences"))
    opening = (
        openings.filter(status="open").order_by("-n", "pk").first()
        or openings.order_by("-n", "pk").first()
    )
    skill = (
        JobSeeker.skills.through.objects.filter(jobseeker__municipality__in=region)
        .values("skill__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "skill__name")
        .first()["skill__name"]
    )
    subjects = Subjects(
        municipality=densest.pk,
        municipality_name=densest.name,
        municipalities=len(region),
        caseworker=user(Role.CASEWORKER, "caseworker", region),
        coordinator=user(Role.COORDINATOR, "coordinator"),
        alderman=user(Role.ALDERMAN, "alderman", region),
        employer_contact=contact_email,
        jobseeker=typical.pk,
        busiest_jobseeker=busiest.pk,
        employer=employer.pk,
        opening=opening.pk,
        name_word=typical.last_name.split()[-1][:5].lower(),
        skill=skill,
        employer_word=employer.trade_name.split()[0][:6].lower(),
        jobseekers_total=JobSeeker.objects.count(),
        jobseekers_in_municipality=in_municipality,
    )
    log(
        f"  {subjects.jobseekers_total:,} job seekers; the caseworker's municipalities: "
        f"{', '.join(m.name for m in region)} ({in_municipality:,} people)"
    )
    return subjects


def generated_secrets() -> dict[str, str]:
    """Production secrets for one bench database (kept with it: the data is encrypted with them)."""
    from cryptography.fernet import Fernet

    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
