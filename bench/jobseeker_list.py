"""Benchmark: the job seekers list page's queries over 100,000 synthetic job seekers.

Creates a throwaway PostgreSQL database (Django's test-database machinery: ``test_<name>`` of
DATABASE_URL, migrated, dropped afterwards), fills it with synthetic job seekers in the three
municipalities with skills and interests from a vocabulary of a few hundred words, and times
what the list page does for typical searches and filters: the count for the pager, one page of
rows and the two prefetches of skills and interests. Prints the figures; it asserts nothing.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bb_bench .venv/bin/python bench/jobseeker_list.py
    (options: --people 100000 --runs 5 --explain to print the row query plans, --keep to leave
    the database for inspection)

Figures from a shared 2-core development machine (PostgreSQL 15, 100,000 people, page of 25,
median of 5; each line is 4 queries: count, rows, skills, interests):

    first page by name 12 ms, page 200 24 ms, sorted by ladder step 13 ms,
    postcode "5251" 14 ms, "5251 BC" 10 ms, municipality + status + ladder 25 ms,
    name "jans" 65 ms, "fatima dijk" 71 ms, skill filter "koken" (17,000 matches) 95 ms,
    rare skill 35 ms, free text "brommers" via skills 130 ms, caseworker's own page 17 ms,
    caseworker skill + ladder 55 ms, two-letter word "de" (23,000 matches) 320 ms,
    exact BSN through the keyed hash 3 ms.
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

from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

# The demo's people: the same names, and its eleven-test BSN generator (jobseekers/demo.py).
from jobseekers.demo import FIRST_NAMES, LAST_NAMES, synthetic_bsn  # noqa: E402

BASE_WORDS = [
    "koken", "lassen", "heftruck rijden", "orderpicken", "schoonmaken", "kassawerk",
    "klantcontact", "administratie", "tuinieren", "schilderen", "timmeren", "ouderenzorg",
    "sleutelen aan brommers", "voetbal", "tekenen", "gamen", "fietsen", "vissen", "naaien",
]  # fmt: skip
POSTCODES = {"GM0797": range(5250, 5257), "GM0809": range(5170, 5177), "GM0867": range(5140, 5147)}


def fill(people: int, seed: int = 797) -> dict:
    from baanbrekers import crypto
    from baanbrekers.models import Municipality, Role, User
    from baanbrekers.services import skills_from_names
    from jobseekers.models import JobSeeker

    rng = random.Random(seed)
    towns = {
        code: Municipality.objects.get_or_create(cbs_code=code, defaults={"name": name})[0]
        for code, name in [
            ("GM0797", "Heusden"),
            ("GM0809", "Loon op Zand"),
            ("GM0867", "Waalwijk"),
        ]
    }
    coordinator = User.objects.create_user("bench-coordinator@example.org", role=Role.COORDINATOR)
    caseworkers = []
    for code, town in towns.items():
        for k in range(5):
            user = User.objects.create_user(f"bench-{code}-{k}@example.org", role=Role.CASEWORKER)
            user.municipalities.set([town])
            caseworkers.append((code, user))
    # A vocabulary of a few hundred words, the common ones used far more often.
    words = BASE_WORDS + [f"vaardigheid {i}" for i in range(400)]
    vocabulary = [s.pk for s in skills_from_names(words)]
    weights = [50] * len(BASE_WORDS) + [1] * 400

    # Encryption is not what is measured: a few real ciphertexts are reused; hashes stay unique.
    ciphertexts = [crypto.encrypt(synthetic_bsn(people + i)) for i in range(50)]
    skills_through, interests_through = JobSeeker.skills.through, JobSeeker.interests.through
    codes = list(towns)
    today = datetime.date.today()
    batch, made, started = 5_000, 0, time.perf_counter()
    while made < people:
        rows = []
        for i in range(made, min(people, made + batch)):
            code = codes[i % 3]
            workers = [u for c, u in caseworkers if c == code]
            rows.append(
                JobSeeker(
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=f"{rng.choice(LAST_NAMES)}{'' if i % 4 else rng.randint(1, 999)}",
                    bsn_encrypted=ciphertexts[i % 50],
                    bsn_hash=crypto.keyed_hash(synthetic_bsn(i)),
                    birth_date=today - datetime.timedelta(days=rng.randint(6600, 23000)),
                    postcode=f"{rng.choice(POSTCODES[code])} {chr(65 + i % 20)}{chr(65 + i // 20 % 20)}",
                    municipality=towns[code],
                    caseworker=rng.choice(workers),
                    ladder_step=rng.randint(1, 6),
                    status=rng.choices(["active", "in_placement", "working", "left"], [7, 1, 1, 1])[
                        0
                    ],
                )
            )
        created = JobSeeker.objects.bulk_create(rows)
        skill_rows, interest_rows = [], []
        for person in created:
            for pk in set(rng.choices(vocabulary, weights, k=3)):
                skill_rows.append(skills_through(jobseeker_id=person.pk, skill_id=pk))
            for pk in set(rng.choices(vocabulary, weights, k=2)):
                interest_rows.append(interests_through(jobseeker_id=person.pk, skill_id=pk))
        skills_through.objects.bulk_create(skill_rows)
        interests_through.objects.bulk_create(interest_rows)
        made += len(rows)
        print(f"  filled {made:>7,} job seekers ({time.perf_counter() - started:5.1f} s)", end="\r")
    print()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE") if connection.get_autocommit() else cursor.execute(
            "ANALYZE"
        )
    heusden_worker = next(u for c, u in caseworkers if c == "GM0797")
    return {"coordinator": coordinator, "caseworker": heusden_worker, "towns": towns}


def one_page(user, params: dict, size: int = 25) -> tuple[int, int, int]:
    """What the list view does: count, one page of rows with their skills and interests."""
    from jobseekers.selectors import JobSeekerFilters, jobseeker_list

    filters = JobSeekerFilters.from_params(params)
    qs, _sort = jobseeker_list(user=user, filters=filters, sort=params.get("sort", ""))
    page = Paginator(qs, size).get_page(params.get("page", 1))
    rows = list(page.object_list)
    for row in rows:
        row.masked_bsn  # noqa: B018 - the list shows it: decrypting is part of the page's work
    return page.paginator.count, len(rows), page.number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    print(f"Creating a throwaway database and {args.people:,} job seekers ...")
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        started = time.perf_counter()
        ctx = fill(args.people)
        print(f"Filled in {time.perf_counter() - started:.1f} s\n")
        heusden = ctx["towns"]["GM0797"].pk
        scenarios = [
            ("coordinator", "first page, sorted by name", {}),
            ("coordinator", "page 200", {"page": 200}),
            ("coordinator", "sort by ladder step, descending", {"sort": "-ladder"}),
            ("coordinator", "search name 'jans'", {"q": "jans"}),
            ("coordinator", "search 'fatima dijk'", {"q": "fatima dijk"}),
            ("coordinator", "search postcode '5251'", {"q": "5251"}),
            ("coordinator", "search postcode '5251 BC'", {"q": "5251 BC"}),
            ("coordinator", "search skill 'brommers'", {"q": "brommers"}),
            ("coordinator", "filter skill 'koken'", {"skill": "koken"}),
            ("coordinator", "filter rare skill", {"skill": "vaardigheid 7"}),
            ("coordinator", "municipality + status + ladder", {
                "municipality": heusden, "status": "active", "ladder_step": 4}),
            ("caseworker", "own municipality, first page", {}),
            ("caseworker", "own caseworker filter", {"caseworker": ctx["caseworker"].pk}),
            ("caseworker", "skill 'lassen' + ladder 3", {"skill": "lassen", "ladder_step": 3}),
            ("caseworker", "search 'de' (broad)", {"q": "de"}),
        ]  # fmt: skip
        print(f"{'who':<12} {'scenario':<34} {'matches':>8} {'rows':>5} {'queries':>7} "
              f"{'median ms':>9} {'max ms':>7}")  # fmt: skip
        for who, label, params in scenarios:
            user = ctx[who]
            timings = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as captured:
                    t0 = time.perf_counter()
                    count, rows, _page = one_page(user, params)
                    timings.append((time.perf_counter() - t0) * 1000)
            print(
                f"{who:<12} {label:<34} {count:>8,} {rows:>5} {len(captured.captured_queries):>7} "
                f"{statistics.median(timings):>9.1f} {max(timings):>7.1f}"
            )
            if args.explain:
                rows_sql = next(q["sql"] for q in captured.captured_queries if "LIMIT" in q["sql"])
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + rows_sql)
                    print("    " + "\n    ".join(r[0] for r in cursor.fetchall()[:12]))
        # BSN search: one indexed lookup on the keyed hash.
        from jobseekers.models import JobSeeker

        t0 = time.perf_counter()
        JobSeeker.objects.with_bsn(synthetic_bsn(4242)).first()
        print(
            f"\nexact BSN lookup through the keyed hash: {(time.perf_counter() - t0) * 1000:.1f} ms"
        )
    finally:
        if args.keep:
            print("Keeping the database (--keep).")
        else:
            teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
