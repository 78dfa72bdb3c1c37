"""About 300 synthetic job seekers across the three municipalities (see baanbrekers/demo.py).

Invented people with made-up BSNs that pass the eleven-test. Idempotent: a person's BSN is
derived from their number, and its keyed hash is the natural key, so a second run adds nothing.
"""

from __future__ import annotations

import datetime
import json
import random
from pathlib import Path

from django.utils import timezone

from baanbrekers import crypto, geo
from baanbrekers.demo import DemoContext
from baanbrekers.models import Role
from baanbrekers.services import skills_from_names

from .models import (
    BenefitType,
    Consent,
    ConsentKind,
    EducationLevel,
    JobSeeker,
    JobSeekerNote,
    JobSeekerStatus,
    LanguageLevel,
)

COUNT = 300

# CBS code -> the real four-digit postcode areas of the municipality (so distances work)
POSTCODES = {
    code: [a.pc4 for a in geo.areas_in_municipality(code)]
    for code in ("GM0797", "GM0809", "GM0867")  # Heusden, Loon op Zand, Waalwijk
}

# The literals (names, the skill and hobby vocabulary, work histories) are data, kept in
# data/demo_jobseekers.json; the benchmarks draw their people from the same lists.
_DATA = json.loads((Path(__file__).parent / "data" / "demo_jobseekers.json").read_text("utf-8"))
FIRST_NAMES: list[str] = _DATA["first_names"]
LAST_NAMES: list[str] = _DATA["last_names"]
SKILLS: list[str] = _DATA["skills"]
INTERESTS: list[str] = _DATA["interests"]
EXPERIENCE: list[str] = _DATA["experience"]  # "" for no work history


def synthetic_bsn(n: int) -> str:
    """The n-th synthetic BSN: 8 digits from n, a ninth that makes the eleven-test pass.

    Numbers whose check digit would be 10 are skipped by moving on to the next candidate.
    """
    candidate = 20_000_000 + n * 7
    while True:
        digits = [int(d) for d in f"{candidate:08d}"]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return f"{candidate:08d}{check}"
        candidate += 1


def _postcode(rng: random.Random, code: str) -> str:
    letters = "ABCDEFGHJKLMNPRTVWXZ"
    pair = rng.choice(letters) + rng.choice(letters)
    return f"{rng.choice(POSTCODES[code])} {pair}"


def seed(ctx: DemoContext) -> None:
    rng = random.Random(867)
    today = timezone.localdate()
    caseworker = ctx.users.get(Role.CASEWORKER)
    codes = list(POSTCODES)
    vocabulary = {s.name: s for s in skills_from_names(SKILLS + INTERESTS)}

    hashes = [crypto.keyed_hash(synthetic_bsn(i)) for i in range(COUNT)]
    existing = set(JobSeeker.objects.filter(bsn_hash__in=hashes).values_list("bsn_hash", flat=True))

    new_people: list[tuple[JobSeeker, list[str], list[str]]] = []
    for i in range(COUNT):
        # Draw every value even for people who exist, so the sequence stays the same.
        code = codes[i % 3]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        skills = rng.sample(SKILLS, rng.randint(1, 4))
        interests = rng.sample(INTERESTS, rng.randint(1, 3))
        if i == 0:
            # The cook who tinkers with mopeds: a technical talent waiting to be found.
            first, last, code = "Ricardo", "van Dongen", "GM0797"
            skills, interests = ["koken"], ["sleutelen aan brommers", "computers repareren"]
        status = rng.choices([s.value for s in JobSeekerStatus], weights=[75, 10, 10, 5], k=1)[0]
        if i == 0:
            status = JobSeekerStatus.ACTIVE
        born = today - datetime.timedelta(days=rng.randint(18 * 365, 63 * 365))
        person = JobSeeker(
            first_name=first,
            last_name=last,
            birth_date=born,
            email=f"{first.lower()}.{i}@voorbeeld.invalid",
            phone=f"06-{rng.randint(10_000_000, 99_999_999)}",
            postcode=_postcode(rng, code),
            municipality=ctx.municipalities[code],
            caseworker=caseworker if code in ("GM0797", "GM0809") else None,
            benefit_type=rng.choices(
                [BenefitType.PARTICIPATIEWET, BenefitType.WW, BenefitType.WAJONG, BenefitType.IOAW],
                weights=[70, 15, 10, 5],
                k=1,
            )[0],
            benefit_start_date=today - datetime.timedelta(days=rng.randint(60, 3000)),
            ladder_step=rng.choices(range(1, 7), weights=[5, 15, 30, 25, 15, 10], k=1)[0],
            education_level=rng.choice(EducationLevel.values),
            experience=rng.choice(EXPERIENCE),
            hours_available=rng.choice([8, 12, 16, 20, 24, 32, 36, 40]),
            has_driving_licence=rng.random() < 0.45,
            has_car=rng.random() < 0.3,
            has_bicycle=rng.random() < 0.8,
            max_travel_km=rng.choice([5, 10, 15, 20, 30]),
            dutch_level=rng.choice(LanguageLevel.values),
            limitations=rng.choice(["", "", "", "Geen zwaar tilwerk.", "Alleen dagdiensten."]),
            status=status,
            left_on=today - datetime.timedelta(days=rng.randint(1, 200))
            if status == JobSeekerStatus.LEFT
            else None,
        )
        consent_plan = rng.random()
        if hashes[i] in existing:
            continue
        person.set_bsn(synthetic_bsn(i))
        person._consent_plan = consent_plan
        new_people.append((person, skills, interests))

    if new_people:
        created = JobSeeker.objects.bulk_create([p for p, _, _ in new_people])
        skill_rows, interest_rows, consents, notes = [], [], [], []
        for person, (_, skills, interests) in zip(created, new_people, strict=True):
            skill_rows += [
                JobSeeker.skills.through(jobseeker_id=person.pk, skill_id=vocabulary[s].pk)
                for s in skills
            ]
            interest_rows += [
                JobSeeker.interests.through(jobseeker_id=person.pk, skill_id=vocabulary[s].pk)
                for s in interests
            ]
            plan = person._consent_plan
            if plan < 0.6:
                # Most have a year's consent to share a profile; some expire within a month.
                until = today + (
                    datetime.timedelta(days=5 + int(plan * 40))
                    if plan < 0.15
                    else datetime.timedelta(days=365)
                )
                consents.append(
                    Consent(
                        jobseeker=person,
                        kind=ConsentKind.SHARE_PROFILE,
                        given_on=until - datetime.timedelta(days=365),
                        valid_until=until,
                        recorded_by=person.caseworker,
                    )
                )
                if plan < 0.4:
                    consents.append(
                        Consent(
                            jobseeker=person,
                            kind=ConsentKind.JOIN_VISITS,
                            given_on=today - datetime.timedelta(days=30),
                            valid_until=today + datetime.timedelta(days=335),
                            recorded_by=person.caseworker,
                        )
                    )
            if plan > 0.7:
                notes.append(
                    JobSeekerNote(
                        jobseeker=person,
                        author=person.caseworker,
                        text="Kennismakingsgesprek gehad; gemotiveerd om te starten.",
                    )
                )
        JobSeeker.skills.through.objects.bulk_create(skill_rows)
        JobSeeker.interests.through.objects.bulk_create(interest_rows)
        Consent.objects.bulk_create(consents)
        JobSeekerNote.objects.bulk_create(notes)
        ctx.log.append(f"Job seekers: {len(created)} added.")

    ctx.extra["jobseekers"] = list(
        JobSeeker.objects.filter(bsn_hash__in=hashes).select_related("municipality")
    )
