"""Running a data set: set-up, the three phases in chunks (optionally in parallel), the finish.

Set-up (idempotent, small, through the ORM): the progress table, the anchor day and the first id
of each table (both kept, so a resumed run plans the same rows), municipalities, the skills
vocabulary, and the staff accounts: caseworkers per municipality, an alderman each, coordinators.

Then employers, visits and people, in that order (people point at both): every chunk not yet
marked done is generated and written (``store.Rows.write``). ``jobs`` > 1 forks that many
processes, each with its own database connection; the plan is inherited, not pickled.

The finish, run every time: opening places and visit capacities raised to what was filled (so the
services' rules hold for the data), id sequences moved past the assigned ids, VACUUM (ANALYZE).
"""

from __future__ import annotations

import datetime
import multiprocessing
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction
from django.utils import timezone

from baanbrekers.models import Municipality, Role, Skill, User
from baanbrekers.services import skills_from_names
from baanbrekers.vocabulary import vocabulary_load
from employers.models import Employer, EmployerContact, Opening, Sector
from jobseekers.demo import INTERESTS, SKILLS
from jobseekers.models import JobSeeker
from placements.models import BuddyPairing, DevelopmentPlacement, JobOutcome, Proposal
from visits.models import Visit, VisitSignUp

from . import generate, store
from .plan import SIZES, Plan, caseworkers_wanted, make_plan

PHASES = {
    "employers": generate.employers_chunk,
    "visits": generate.visits_chunk,
    "people": generate.people_chunk,
}
# The tables whose ids the plan assigns, by the name the generators use.
ASSIGNED = {
    "employer": Employer,
    "contact": EmployerContact,
    "opening": Opening,
    "visit": Visit,
    "jobseeker": JobSeeker,
    "proposals": Proposal,
    "placements": DevelopmentPlacement,
    "jobs": JobOutcome,
    "buddies": BuddyPairing,
}
# A database with more job seekers than this before the first run is someone's real data: refused.
# (The demo data has a few hundred; a data set goes next to it, not next to real people.)
IN_USE_ABOVE = 1000
_PLAN: Plan | None = None  # for forked workers
_SKIP_FK_CHECKS = False


class Refused(Exception):
    """The run cannot go ahead here: another size's data, a database in use, missing rights."""


@dataclass
class Report:
    size: str
    chunks_written: int = 0
    chunks_total: int = 0
    rows: int = 0
    seconds: float = 0.0
    stopped: bool = False
    size_before: int = 0
    size_after: int = 0
    size_at_start: int = 0
    tables: dict[str, int] = field(default_factory=dict)


def _db_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


def setup(size: str) -> Plan:
    """Everything before the chunks; returns the plan with ids and users filled in."""
    store.progress_tables_create()
    held = store.meta_get("size")
    if held and held != size:
        raise Refused(
            f"This database holds the '{held}' data set; seed '{size}' into a database of its own."
        )
    if not held and JobSeeker.objects.count() > IN_USE_ABOVE:
        raise Refused(
            f"This database already holds {JobSeeker.objects.count():,} job seekers: it looks like "
            "a database in use. Seed a data set into an empty database of its own."
        )
    if not held:
        store.meta_set("size", size)
        store.meta_set("today", timezone.localdate().isoformat())
        store.meta_set("size_at_start", str(_db_size()))
        for name, model in ASSIGNED.items():
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            store.meta_set(f"base:{name}", str(last + 1))
    today = datetime.date.fromisoformat(store.meta_get("today"))
    plan = make_plan(size, today, timezone.get_current_timezone())
    plan.base = {name: int(store.meta_get(f"base:{name}")) for name in ASSIGNED}

    existing = {m.cbs_code: m for m in Municipality.objects.all()}
    names = {m.name for m in existing.values()}
    missing = []
    for place in plan.places:
        if place.code not in existing:
            name = place.name if place.name not in names else f"{place.name} ({place.code})"
            missing.append(Municipality(cbs_code=place.code, name=name))
            names.add(name)
    Municipality.objects.bulk_create(missing)
    ids = dict(Municipality.objects.values_list("cbs_code", "pk"))
    plan.municipality_ids = [ids[p.code] for p in plan.places]

    vocabulary_load()
    skills_from_names(SKILLS)
    plan.interests = sorted(s.pk for s in skills_from_names(INTERESTS))
    plan.skills = sorted(Skill.objects.filter(is_field=False).values_list("pk", flat=True))
    plan.sectors = sorted(Sector.objects.values_list("pk", flat=True))
    _users(plan)
    return plan


def _users(plan: Plan) -> None:
    """Staff accounts of the data set (no usable password: log in by setting one, or with
    ``force_login`` in tests). Idempotent: made by email address."""
    wanted = []  # (email, role, place or None)
    for i, (place, n) in enumerate(zip(plan.places, caseworkers_wanted(plan), strict=True)):
        code = place.code.lower()
        wanted += [
            (f"scale-caseworker-{code}-{k}@example.org", Role.CASEWORKER, i)
            for k in range(1, n + 1)
        ]
        wanted.append((f"scale-alderman-{code}@example.org", Role.ALDERMAN, i))
    wanted += [(f"scale-coordinator-{k}@example.org", Role.COORDINATOR, None) for k in (1, 2, 3)]
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=email,
                role=role,
                first_name="Schaal",
                last_name=email.split("@")[0],
                password=password,
                is_staff=role == Role.COORDINATOR,
            )
            for email, role, _ in wanted
        ],
        ignore_conflicts=True,
    )
    ids = dict(User.objects.filter(email__startswith="scale-").values_list("email", "pk"))
    through = User.municipalities.through
    through.objects.bulk_create(
        [
            through(user_id=ids[email], municipality_id=plan.municipality_ids[place])
            for email, _, place in wanted
            if place is not None
        ],
        ignore_conflicts=True,
    )
    plan.caseworkers = [[] for _ in plan.places]
    plan.aldermen = [0] * len(plan.places)
    for email, role, place in wanted:
        if role == Role.CASEWORKER:
            plan.caseworkers[place].append(ids[email])
        elif role == Role.ALDERMAN:
            plan.aldermen[place] = ids[email]
    plan.user_emails = {pk: email for email, pk in ids.items()}


def _run_chunk(phase: str, chunk: int, first: int, end: int) -> tuple[str, int, dict[str, int]]:
    rows = PHASES[phase](_PLAN, chunk, first, end)
    rows.write(phase, chunk, skip_fk_checks=_SKIP_FK_CHECKS)
    return phase, chunk, rows.counts()


def _run_chunk_star(args):
    return _run_chunk(*args)


def run(
    size: str,
    *,
    jobs: int = 1,
    stop_after: int | None = None,
    skip_fk_checks: bool = False,
    out=print,
) -> Report:
    """Fills the database with the data set ``size`` (or what is still missing of it)."""
    global _PLAN, _SKIP_FK_CHECKS
    if size not in SIZES:
        raise ValueError(size)
    if skip_fk_checks and not _is_superuser():
        raise Refused("--skip-fk-checks needs a PostgreSQL superuser.")
    _SKIP_FK_CHECKS = skip_fk_checks
    started = time.monotonic()
    report = Report(size=size, size_before=_db_size())
    with transaction.atomic():
        plan = setup(size)
    report.size_at_start = int(store.meta_get("size_at_start"))
    _PLAN = plan
    totals: dict[str, int] = {}
    budget = stop_after
    for phase in PHASES:
        chunks = plan.chunks(phase)
        done = store.chunks_done(phase)
        todo = [(phase, k, a, b) for k, (a, b) in enumerate(chunks) if k not in done]
        report.chunks_total += len(chunks)
        if budget is not None:
            todo = todo[: max(budget, 0)]
            budget -= len(todo)
        out(f"{phase}: {len(chunks)} chunks, {len(done)} done before, {len(todo)} to write")
        if not todo:
            continue
        phase_started, last_print, phase_rows = time.monotonic(), 0.0, 0

        def consume(results, phase=phase, chunks=chunks, todo=todo, phase_started=phase_started):
            nonlocal phase_rows, last_print
            for n, (_, chunk, counts) in enumerate(results, 1):
                rows = sum(counts.values())
                phase_rows += rows
                report.rows += rows
                report.chunks_written += 1
                for table, count in counts.items():
                    totals[table] = totals.get(table, 0) + count
                now = time.monotonic()
                if n == len(todo) or now - last_print > 10 or len(todo) <= 12:
                    last_print = now
                    rate = phase_rows / max(now - phase_started, 1e-6)
                    out(
                        f"  {phase} chunk {chunk + 1}/{len(chunks)} ({n}/{len(todo)} this run):"
                        f" {phase_rows:,} rows in {now - phase_started:.0f} s, {rate:,.0f} rows/s"
                    )

        if jobs > 1 and len(todo) > 1:
            connections.close_all()  # each forked worker opens its own connection
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                consume(pool.imap_unordered(_run_chunk_star, todo))
        else:
            consume(_run_chunk(*task) for task in todo)
    report.stopped = _missing(plan)
    finish(plan, out)
    report.tables = totals
    report.seconds = time.monotonic() - started
    report.size_after = _db_size()
    return report


def _missing(plan: Plan) -> bool:
    return any(len(store.chunks_done(phase)) < len(plan.chunks(phase)) for phase in PHASES)


def finish(plan: Plan, out=print) -> None:
    """What must hold after any run, complete or not: the services' limits for what was filled,
    sequences past every id the data set assigns (also those of chunks still to come, so rows
    the app adds meanwhile never take them), fresh planner statistics."""
    with transaction.atomic(), connection.cursor() as cursor:
        visit, signup = Visit._meta.db_table, VisitSignUp._meta.db_table
        cursor.execute(
            f"""UPDATE {visit} v SET capacity = s.n FROM (
                    SELECT visit_id, count(*) AS n FROM {signup} GROUP BY visit_id
                ) s WHERE s.visit_id = v.id AND s.n > v.capacity"""
        )
        opening, placement = Opening._meta.db_table, DevelopmentPlacement._meta.db_table
        cursor.execute(
            f"""UPDATE {opening} o SET places = s.n FROM (
                    SELECT opening_id, count(*) AS n FROM {placement}
                    WHERE status IN ('agreed', 'active') GROUP BY opening_id
                ) s WHERE s.opening_id = o.id AND s.n > o.places"""
        )
        for name, model in ASSIGNED.items():
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST((SELECT max(id) FROM {table}), %s))",
                [plan.id_end(name) - 1],
            )
    if not connection.in_atomic_block:
        # VACUUM as well as ANALYZE: rows written by COPY are not yet marked visible to all in
        # the visibility map, so index-only scans would still read the table (as on a database
        # that autovacuum has not reached yet after a bulk load).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    out("finish: visit capacities and opening places checked, id sequences moved on, vacuumed")
