"""Minimal factories for the follow-up rules' tests (independent of the other apps' test code).

Records are made straight in the database with the dates a test needs: the rules read state,
and the services that normally make that state are tested in their own apps.
"""

import datetime
import itertools

import factory

from baanbrekers.models import Municipality
from employers.models import ContactMoment, Employer, EmployerContact
from jobseekers.models import Consent, ConsentKind, JobSeeker
from placements.models import BuddyPairing, DevelopmentPlacement, JobOutcome
from visits.models import Visit

_bsn_numbers = itertools.count(50_000_000)


def next_bsn() -> str:
    """A fake BSN that passes the eleven-test."""
    while True:
        head = f"{next(_bsn_numbers):08d}"
        check = sum(int(d) * w for d, w in zip(head, range(9, 1, -1), strict=True)) % 11
        if check != 10:
            return f"{head}{check}"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("cbs_code",)

    cbs_code = "GM0797"
    name = "Heusden"


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    kvk_number = factory.Sequence(lambda n: f"{70000000 + n:08d}")
    trade_name = factory.Sequence(lambda n: f"Metaalbedrijf Langstraat {n}")
    street_address = "Industrieweg 4"
    postcode = "5251 AB"
    city = "Vlijmen"
    municipality = factory.SubFactory(MunicipalityFactory)
    status = "active"


class EmployerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerContact

    employer = factory.SubFactory(EmployerFactory)
    name = factory.Sequence(lambda n: f"Begeleider {n}")
    email = factory.Sequence(lambda n: f"begeleider{n}@metaal.example.org")


class ContactMomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMoment

    employer = factory.SubFactory(EmployerFactory)
    kind = "phone"
    summary = "Gebeld."


class JobSeekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSeeker

    first_name = factory.Sequence(lambda n: f"Fatima{n}")
    last_name = "de Vries"
    birth_date = datetime.date(1988, 3, 4)
    postcode = "5251 CD"
    municipality = factory.SubFactory(MunicipalityFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = model_class(*args, **kwargs)
        person.set_bsn(next_bsn())
        person.save()
        return person


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    jobseeker = factory.SubFactory(JobSeekerFactory)
    kind = ConsentKind.SHARE_PROFILE
    given_on = datetime.date(2026, 1, 1)
    valid_until = datetime.date(2027, 1, 1)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentPlacement

    jobseeker = factory.SubFactory(JobSeekerFactory)
    employer = factory.SubFactory(EmployerFactory)
    supervisor = factory.SubFactory(
        EmployerContactFactory, employer=factory.SelfAttribute("..employer")
    )
    start_date = datetime.date(2026, 10, 1)
    planned_end_date = datetime.date(2027, 2, 1)
    hours_per_week = 24
    learning_goals = "Op tijd komen, samenwerken"
    insurance_arranged = True
    no_displacement_confirmed = True
    status = "active"


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobOutcome

    jobseeker = factory.SubFactory(JobSeekerFactory)
    employer = factory.SubFactory(EmployerFactory)
    contract_type = "fixed_term"
    start_date = datetime.date(2026, 6, 1)
    hours_per_week = 32
    route = "visit"


class BuddyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuddyPairing

    jobseeker = factory.SubFactory(JobSeekerFactory)
    buddy_name = "Henk van der Pol"
    goals = "Netwerk in de techniek"
    start_date = datetime.date(2026, 6, 1)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    employer = factory.SubFactory(EmployerFactory)
    purpose = "Kennismaken met het bedrijf."
