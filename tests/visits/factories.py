"""Minimal factories for visit tests (employers and job seekers too, kept here on purpose so the
visits tests do not depend on other apps' test code)."""

import datetime

import factory
from django.utils import timezone

from baanbrekers.models import Municipality
from employers.models import Employer, EmployerContact, Opening, Sector
from jobseekers.models import Consent, ConsentKind, JobSeeker
from visits.models import Visit


def bsn_for(n: int) -> str:
    """A BSN passing the eleven-test, different for every n (skips prefixes without one)."""
    while True:
        head = f"{100000000 + n * 7919:09d}"[:8]
        total = sum(int(d) * w for d, w in zip(head, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return head + str(check)
        n += 100003


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("cbs_code",)

    cbs_code = "GM0797"
    name = "Heusden"


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = "10.71"
    label = "Brood en banket"


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    kvk_number = factory.Sequence(lambda n: f"{60000000 + n:08d}")
    trade_name = factory.Sequence(lambda n: f"Bakkerij de Korenschoof {n}")
    street_address = "Molenstraat 12"
    postcode = "5251 AB"
    city = "Vlijmen"
    municipality = factory.SubFactory(MunicipalityFactory)
    sector = factory.SubFactory(SectorFactory)
    size_class = "10-49"
    story_what = "Brood, banket en taarten voor de hele Langstraat."


class EmployerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerContact

    employer = factory.SubFactory(EmployerFactory)
    name = factory.Sequence(lambda n: f"Hanneke Host {n}")
    email = factory.Sequence(lambda n: f"host{n}@bedrijf.example.org")
    is_primary = True


class JobSeekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSeeker

    first_name = factory.Sequence(lambda n: f"Sam{n}")
    last_name = factory.Sequence(lambda n: f"Zoeker{n}")
    birth_date = datetime.date(1990, 5, 17)
    postcode = "5251 CD"
    municipality = factory.SubFactory(MunicipalityFactory)
    bsn = factory.Sequence(bsn_for)

    @classmethod
    def _create(cls, model_class, *args, bsn, **kwargs):
        jobseeker = model_class(*args, **kwargs)
        jobseeker.set_bsn(bsn)
        jobseeker.save()
        return jobseeker


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    jobseeker = factory.SubFactory(JobSeekerFactory)
    kind = ConsentKind.JOIN_VISITS
    given_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


def jobseeker_with_consent(**kwargs) -> JobSeeker:
    jobseeker = JobSeekerFactory(**kwargs)
    ConsentFactory(jobseeker=jobseeker)
    return jobseeker


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    employer = factory.SubFactory(EmployerFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    duration_minutes = 90
    place = "Molenstraat 12, 5251 AB Vlijmen"
    purpose = "Kennismaken met het bedrijf en de mensen."
    capacity = 3


class OpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opening

    employer = factory.SubFactory(EmployerFactory)
    kind = "vacancy"
    title = factory.Sequence(lambda n: f"Productiemedewerker {n}")
