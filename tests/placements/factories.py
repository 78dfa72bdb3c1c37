"""Minimal factories for the pipeline's tests (the employers and jobseekers apps have their own;
these stay independent so this app's tests do not break when theirs change)."""

import datetime
import itertools

import factory
from django.utils import timezone

from baanbrekers.models import Municipality, Skill
from baanbrekers.services import skills_from_names
from employers.models import Employer, EmployerContact, Opening, OpeningKind
from jobseekers.models import Consent, ConsentKind, JobSeeker
from placements import services
from placements.models import BuddyPairing, DevelopmentPlacement

_bsn_counter = itertools.count(10_000_000)


def next_bsn() -> str:
    """A fresh nine-digit number passing the eleven-test."""
    while True:
        base = f"{next(_bsn_counter):08d}"
        total = sum(int(d) * w for d, w in zip(base, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return base + str(check)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("cbs_code",)

    cbs_code = "GM0797"
    name = "Heusden"


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    kvk_number = factory.Sequence(lambda n: f"{90000000 + n:08d}")
    trade_name = factory.Sequence(lambda n: f"Bedrijf {n}")
    postcode = "5141 AA"  # Waalwijk
    city = "Waalwijk"
    municipality = factory.SubFactory(MunicipalityFactory, cbs_code="GM0867", name="Waalwijk")
    status = "active"


class EmployerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerContact

    employer = factory.SubFactory(EmployerFactory)
    name = factory.Sequence(lambda n: f"Begeleider {n}")
    email = factory.Sequence(lambda n: f"begeleider{n}@bedrijf.example.org")


class OpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opening
        skip_postgeneration_save = True

    employer = factory.SubFactory(EmployerFactory)
    kind = OpeningKind.PLACEMENT
    title = "Ontwikkelplek"
    hours_per_week = 24
    places = 1

    @factory.post_generation
    def competences(self, create, extracted, **kwargs):
        if create and extracted:
            self.competences.set(skills_from_names(extracted))


class JobSeekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSeeker
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Persoon{n}")
    last_name = "Jansen"
    birth_date = datetime.date(1985, 5, 1)
    postcode = "5171 AB"  # Kaatsheuvel
    municipality = factory.SubFactory(MunicipalityFactory, cbs_code="GM0809", name="Loon op Zand")
    ladder_step = 3
    hours_available = 24
    max_travel_km = 15

    @factory.lazy_attribute
    def bsn_encrypted(self):
        return ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.set_bsn(next_bsn())
        obj.save()
        return obj

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(skills_from_names(extracted))

    @factory.post_generation
    def interests(self, create, extracted, **kwargs):
        if create and extracted:
            self.interests.set(skills_from_names(extracted))

    @factory.post_generation
    def consents(self, create, extracted, **kwargs):
        """By default the person consents to sharing a profile and to introductions; pass
        ``consents=[]`` for none."""
        if not create:
            return
        kinds = (
            extracted
            if extracted is not None
            else [ConsentKind.SHARE_PROFILE, ConsentKind.INTRODUCTION]
        )
        today = timezone.localdate()
        for kind in kinds:
            Consent.objects.create(
                jobseeker=self,
                kind=kind,
                given_on=today - datetime.timedelta(days=10),
                valid_until=today + datetime.timedelta(days=365),
            )


def skill(name: str) -> Skill:
    return skills_from_names([name])[0]


def make_placement(*, user, jobseeker=None, opening=None, status="proposed", **kwargs):
    """A placement brought to ``status`` through the services, as users would."""
    opening = opening or OpeningFactory()
    jobseeker = jobseeker or JobSeekerFactory()
    placement = services.placement_create(
        jobseeker=jobseeker,
        employer=opening.employer,
        opening=opening,
        start_date=kwargs.pop("start_date", timezone.localdate()),
        hours_per_week=kwargs.pop("hours_per_week", 24),
        learning_goals=kwargs.pop("learning_goals", "Werken in een team, op tijd komen"),
        insurance_arranged=kwargs.pop("insurance_arranged", True),
        created_by=user,
        **kwargs,
    )
    steps = ["proposed", "agreed", "active"]
    if status in ("agreed", "active", "completed", "ended_early"):
        placement = services.placement_confirm_no_displacement(
            placement=placement, note="Geen vacature verdrongen", checked_by=user
        )
        placement = services.placement_agree(placement=placement, agreed_by=user)
    if status in ("active", "completed"):
        placement = services.placement_start(placement=placement, started_by=user)
    if status == "completed":
        placement = services.placement_complete(
            placement=placement, outcome="training", completed_by=user
        )
    if status == "ended_early":
        placement = services.placement_end_early(placement=placement, reason="Ziek", ended_by=user)
    assert status in steps or status in ("completed", "ended_early")
    return DevelopmentPlacement.objects.get(pk=placement.pk)


class BuddyPairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuddyPairing

    jobseeker = factory.SubFactory(JobSeekerFactory)
    buddy_name = "Henk de Ondernemer"
    buddy_organisation = "Rotary Waalwijk"
    goals = "Netwerk opbouwen in de techniek"
    start_date = factory.LazyFunction(timezone.localdate)
