"""Benchmark: rank one opening against 100,000 synthetic job seekers.

Creates a throwaway PostgreSQL database (Django's test-database machinery: ``test_<name>`` of
DATABASE_URL, migrated, dropped afterwards), fills it with synthetic job seekers spread over the
whole country, and times ``matching.ranking.rank_jobseekers_for_opening`` for a technical
development placement in Waalwijk. Prints the figures; it asserts nothing.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bb_bench .venv/bin/python bench/matching.py
    (options: --people 100000 --runs 7 --keep to leave the database for inspection)
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baanbrekers.settings.test")
os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bb_bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

SKILLS = [
    "koken",
    "lassen",
    "heftruck rijden",
    "orderpicken",
    "schoonmaken",
    "kassawerk",
    "klantcontact",
    "administratie",
    "tuinieren",
    "schilderen",
    "timmeren",
    "ouderenzorg",
    "kinderopvang",
    "bezorgen",
    "inpakken",
    "programmeren",
    "Excel",
    "bakken",
    "bediening",
    "metselen",
    "elektrotechniek",
    "autotechniek",
    "fietsen repareren",
    "sleutelen aan brommers",
    "tekenen",
    "muziek maken",
    "gamen",
    "voetbal",
    "hardlopen",
    "naaien",
    "fotograferen",
    "dieren verzorgen",
    "klussen in huis",
    "computer repareren",
    "verkoop",
    "Engels",
    "Pools",
    "Arabisch",
    "teamwerk",
    "betrouwbaar",
    "nauwkeurig",
    "zelfstandig",
    "technisch inzicht",
    "veiligheid (VCA)",
    "CNC-draaien",
    "magazijnbeheer",
    "productiewerk",
    "catering",
]


def bsn_for(n: int) -> str:
    base = f"{n:08d}"
    while True:
        total = sum(int(d) * w for d, w in zip(base, range(9, 1, -1), strict=True))
        if total % 11 < 10:
            return base + str(total % 11)
        base = f"{int(base) + 1:08d}"


def fill(people: int, seed: int = 7) -> None:
    from baanbrekers import crypto, geo
    from baanbrekers.models import Municipality
    from baanbrekers.services import skills_from_names
    from jobseekers.models import Consent, ConsentKind, JobSeeker

    rng = random.Random(seed)
    skills = [s.pk for s in skills_from_names(SKILLS)]
    muni, _ = Municipality.objects.get_or_create(cbs_code="GM0867", defaults={"name": "Waalwijk"})
    codes = sorted(geo.areas())
    today = datetime.date.today()
    statuses = ["active"] * 7 + ["working", "left", "in_placement"]
    # Encrypting 100,000 BSNs dominates the fill; the ciphertext is not what is measured, so a
    # handful of real ones are reused (the keyed hash stays unique).
    sample_ciphertexts = [crypto.encrypt(bsn_for(10_000_000 + i)) for i in range(50)]
    batch = 10_000
    made = 0
    started = time.perf_counter()
    while made < people:
        n = min(batch, people - made)
        rows = []
        for i in range(made, made + n):
            bsn = bsn_for(20_000_000 + i * 13)
            rows.append(
                JobSeeker(
                    first_name=f"P{i}",
                    last_name="Synthetisch",
                    bsn_encrypted=sample_ciphertexts[i % 50],
                    bsn_hash=crypto.keyed_hash(f"{bsn}-{i}"),
                    birth_date=datetime.date(1970 + i % 35, 1 + i % 12, 1 + i % 28),
                    postcode=f"{rng.choice(codes)} AB",
                    municipality=muni,
                    ladder_step=rng.randint(1, 6),
                    hours_available=rng.choice([8, 16, 20, 24, 32, 36]),
                    max_travel_km=rng.choice([5, 10, 15, 15, 20, 25, 30, 50]),
                    status=rng.choice(statuses),
                )
            )
        created = JobSeeker.objects.bulk_create(rows)
        through_s, through_i, consents = [], [], []
        for js in created:
            for sid in rng.sample(skills, 3):
                through_s.append(JobSeeker.skills.through(jobseeker_id=js.pk, skill_id=sid))
            for sid in rng.sample(skills, 2):
                through_i.append(JobSeeker.interests.through(jobseeker_id=js.pk, skill_id=sid))
            if rng.random() < 0.8:
                consents.append(
                    Consent(
                        jobseeker_id=js.pk,
                        kind=ConsentKind.SHARE_PROFILE,
                        given_on=today - datetime.timedelta(days=30),
                        valid_until=today + datetime.timedelta(days=300),
                    )
                )
        JobSeeker.skills.through.objects.bulk_create(through_s, ignore_conflicts=True)
        JobSeeker.interests.through.objects.bulk_create(through_i, ignore_conflicts=True)
        Consent.objects.bulk_create(consents)
        made += n
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"filled {people:,} job seekers in {time.perf_counter() - started:.1f} s")


def make_opening():
    from baanbrekers.models import Municipality
    from baanbrekers.services import skills_from_names
    from employers.models import Employer, Opening

    muni = Municipality.objects.get(cbs_code="GM0867")
    employer = Employer.objects.create(
        kvk_number="99999999",
        trade_name="Metaalwerkplaats Benchmark",
        postcode="5141 GD",
        municipality=muni,
        status="active",
        story_what="Wij bouwen en repareren machines voor de schoenindustrie.",
        story_values="Handig, nieuwsgierig en betrouwbaar.",
    )
    employer.valued_skills.set(skills_from_names(["betrouwbaar", "teamwerk"]))
    opening = Opening.objects.create(
        employer=employer, kind="placement", title="Ontwikkelplek werkplaats", hours_per_week=24
    )
    opening.competences.set(skills_from_names(["lassen", "technisch inzicht", "veiligheid (VCA)"]))
    return Opening.objects.select_related("employer").get(pk=opening.pk)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    args = parser.parse_args()

    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    from baanbrekers import geo
    from baanbrekers.models import Skill
    from baanbrekers.vocabulary import normalise
    from matching import ranking

    old = setup_databases(verbosity=0, interactive=False, serialized_aliases=[])
    try:
        fill(args.people)
        opening = make_opening()
        scored = 0
        exact = ranking.score_candidate

        def counting(*a, **kw):
            nonlocal scored
            scored += 1
            return exact(*a, **kw)

        ranking.score_candidate = counting
        timings = []
        for _ in range(args.runs):
            reset_queries()
            normalise.cache_clear()
            geo.areas_within_km.cache_clear()
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                result = ranking.rank_jobseekers_for_opening(opening, limit=50)
                timings.append(time.perf_counter() - started)
        ranking.score_candidate = exact
        candidates = ranking.candidates_for_opening(opening).count()
        print(f"job seekers in the database: {args.people:,}")
        print(f"skills in the vocabulary:    {Skill.objects.count():,}")
        print(f"left after the SQL filter:   {candidates:,} (consent not yet tested)")
        print(f"scored exactly in Python:    {scored // args.runs:,} per ranking")
        print(
            f"returned (top 50):           {len(result)}; best score {result[0].score if result else '-'}"
        )
        print(f"queries per ranking:         {len(ctx.captured_queries)}")
        print(
            f"time per ranking:            median {statistics.median(timings) * 1000:.0f} ms, "
            f"best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms "
            f"({args.runs} runs, cold caches for labels and distances)"
        )
        if result:
            print(f"example explanation:         {result[0].explanation}")
    finally:
        if not args.keep:
            teardown_databases(old, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
