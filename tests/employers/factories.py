"""Factories for the employers app's models: employers, their contacts, contact moments, sectors,
openings and referrals.

The one home of these factories: every test imports them from here. Variants are traits (for
example ``EmployerFactory(in_waalwijk=True)``), never copies in another app's tests.
"""

import datetime

import factory
from django.utils import timezone

from baanbrekers.services import skills_from_names
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
    SizeClass,
)
from tests.baanbrekers.factories import MunicipalityFactory


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    class Params:
        bakery = factory.Trait(code="10.71", label="Brood en banket")

    code = factory.Sequence(lambda n: f"{10 + n % 80}.{n:02d}"[:10])
    label = factory.Sequence(lambda n: f"Sector {n}")


class EmployerFactory(factory.django.DjangoModelFactory):
    """An active employer in Vlijmen (Heusden).

    Traits: ``in_waalwijk`` (a Waalwijk address and municipality), ``bakery`` (a small bakery
    with its sector, size and story, as the visit tests use it).
    """

    class Meta:
        model = Employer

    class Params:
        in_waalwijk = factory.Trait(
            postcode="5141 AA",
            city="Waalwijk",
            municipality=factory.SubFactory(MunicipalityFactory, waalwijk=True),
        )
        bakery = factory.Trait(
            trade_name=factory.Sequence(lambda n: f"Bakkerij de Korenschoof {n}"),
            street_address="Molenstraat 12",
            sector=factory.SubFactory(SectorFactory, bakery=True),
            size_class=SizeClass.SMALL,
            story_what="Brood, banket en taarten voor de hele Langstraat.",
        )

    kvk_number = factory.Sequence(lambda n: f"{60000000 + n:08d}")
    trade_name = factory.Sequence(lambda n: f"Bedrijf {n} B.V.")
    street_address = factory.Sequence(lambda n: f"Industrieweg {n + 1}")
    postcode = "5251 AB"
    city = "Vlijmen"
    municipality = factory.SubFactory(MunicipalityFactory)
    status = EmployerStatus.ACTIVE
    story_what = "We maken brood en banket voor de regio."


class EmployerContactFactory(factory.django.DjangoModelFactory):
    """A contact person; given a ``user``, a portal login of the employer (as an accepted
    invitation makes one), named after that user unless ``name`` is given."""

    class Meta:
        model = EmployerContact

    class Params:
        primary = factory.Trait(is_primary=True)

    employer = factory.SubFactory(EmployerFactory)
    user = None
    name = factory.LazyAttributeSequence(
        lambda o, n: (o.user.first_name or o.user.email) if o.user else f"Contactpersoon {n}"
    )
    role = "HR"
    email = factory.LazyAttributeSequence(
        lambda o, n: o.user.email if o.user else f"contact{n}@bedrijf.example.org"
    )


class ContactMomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMoment

    employer = factory.SubFactory(EmployerFactory)
    happened_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    kind = ContactKind.PHONE
    summary = "Gebeld over de vacature."


class OpeningFactory(factory.django.DjangoModelFactory):
    """A vacancy; ``placement=True`` gives a development placement (the pipeline's openings).
    ``competences=["lassen", ...]`` sets the wanted skills by name."""

    class Meta:
        model = Opening
        skip_postgeneration_save = True

    class Params:
        placement = factory.Trait(
            kind=OpeningKind.PLACEMENT, title="Ontwikkelplek", hours_per_week=24
        )

    employer = factory.SubFactory(EmployerFactory)
    kind = OpeningKind.VACANCY
    title = factory.Sequence(lambda n: f"Medewerker {n}")
    hours_per_week = 32

    @factory.post_generation
    def competences(self, create, extracted, **kwargs):
        if create and extracted:
            self.competences.set(skills_from_names(extracted))


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
