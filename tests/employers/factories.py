import datetime

import factory
from django.utils import timezone

from baanbrekers.models import Municipality
from employers.models import (
    ContactKind,
    ContactMoment,
    Employer,
    EmployerContact,
    EmployerStatus,
    Opening,
    OpeningKind,
    Referral,
    Sector,
)


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

    code = factory.Sequence(lambda n: f"{10 + n % 80}.{n:02d}"[:10])
    label = factory.Sequence(lambda n: f"Sector {n}")


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    kvk_number = factory.Sequence(lambda n: f"{60000000 + n:08d}")
    trade_name = factory.Sequence(lambda n: f"Bedrijf {n} B.V.")
    street_address = factory.Sequence(lambda n: f"Industrieweg {n + 1}")
    postcode = "5251 AB"
    city = "Vlijmen"
    municipality = factory.SubFactory(MunicipalityFactory)
    status = EmployerStatus.ACTIVE
    story_what = "We maken brood en banket voor de regio."


class EmployerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerContact

    employer = factory.SubFactory(EmployerFactory)
    name = factory.Sequence(lambda n: f"Contactpersoon {n}")
    role = "HR"
    email = factory.Sequence(lambda n: f"contact{n}@bedrijf.example.org")


class ContactMomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMoment

    employer = factory.SubFactory(EmployerFactory)
    happened_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    kind = ContactKind.PHONE
    summary = "Gebeld over de vacature."


class OpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opening

    employer = factory.SubFactory(EmployerFactory)
    kind = OpeningKind.VACANCY
    title = factory.Sequence(lambda n: f"Medewerker {n}")
    hours_per_week = 32


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    referring_employer = factory.SubFactory(EmployerFactory)
    company_name = factory.Sequence(lambda n: f"Getipt Bedrijf {n}")
    kvk_number = factory.Sequence(lambda n: f"{70000000 + n:08d}")
    postcode = "5161 AB"
    contact_name = "Jan de Vries"
    contact_phone = "0416 123456"
    need = "Zoekt twee productiemedewerkers voor de drukke maanden."
