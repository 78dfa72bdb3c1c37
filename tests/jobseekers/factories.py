"""Factories for the jobseekers app's models: job seekers, their consents and notes.

The one home of these factories: every test imports them from here. A plain ``JobSeekerFactory()``
has no consents; a test that needs them says so with a trait:

- ``consenting=True``: consents to share a profile and to introductions (the pipeline's people);
- ``in_loon_op_zand=True``: lives in Kaatsheuvel (Loon op Zand) rather than Vlijmen (Heusden);
- ``joins_visits=True``: consents to join company visits;
- ``sensitive=True``: everything an employer must never see (a known BSN, a Wajong benefit,
  limitations), with consent to share a profile only;
- or ``consents=[ConsentKind...]`` for exactly those kinds.
"""

import datetime
import itertools

import factory
from django.utils import timezone

from baanbrekers.services import skills_from_names
from jobseekers.demo import synthetic_bsn
from jobseekers.models import BenefitType, Consent, ConsentKind, JobSeeker, JobSeekerNote
from tests.baanbrekers.factories import MunicipalityFactory

# Far beyond the demo's own people (synthetic_bsn(0) to synthetic_bsn(COUNT)), so a test may seed
# the demo and still make people of its own.
_bsn_numbers = itertools.count(1_000_000)

SECRET_BSN = "111222333"
SECRET_LIMITATIONS = "Rugklachten, kan niet tillen boven 5 kilo"


def make_bsn() -> str:
    """A synthetic BSN that passes the eleven-test, a different one on every call (the demo's
    generator: one rule for making fake BSNs)."""
    return synthetic_bsn(next(_bsn_numbers))


def _skills_set(relation: str):
    """A post-generation hook setting a skill relation from names: ``skills=["koken"]`` when
    called, ``skills__names=[...]`` from a trait (traits cannot pass a post-generation value)."""

    def hook(obj, create, extracted, names=(), **kwargs):
        wanted = extracted if extracted is not None else names
        if create and wanted:
            getattr(obj, relation).set(skills_from_names(wanted))

    return hook


class JobSeekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSeeker
        skip_postgeneration_save = True

    class Params:
        consenting = factory.Trait(
            consents__kinds=[ConsentKind.SHARE_PROFILE, ConsentKind.INTRODUCTION]
        )
        joins_visits = factory.Trait(consents__kinds=[ConsentKind.JOIN_VISITS])
        # Kaatsheuvel: a few km from Waalwijk, where the pipeline tests' employers are.
        in_loon_op_zand = factory.Trait(
            postcode="5171 AB",
            municipality=factory.SubFactory(MunicipalityFactory, loon_op_zand=True),
        )
        sensitive = factory.Trait(
            first_name="Fatima",
            last_name="Zwanenburg",
            email="fatima.zwanenburg@example.org",
            phone="06 12345678",
            postcode="5171 AB",
            benefit_type=BenefitType.WAJONG,
            limitations=SECRET_LIMITATIONS,
            hours_available=28,
            bsn=SECRET_BSN,
            skills__names=["Heftruck", "Klantvriendelijk"],
            interests__names=["Sleutelen aan brommers"],
            consents__kinds=[ConsentKind.SHARE_PROFILE],
        )

    first_name = factory.Sequence(lambda n: f"Voornaam{n}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")
    birth_date = datetime.date(1985, 5, 17)
    postcode = "5251 AB"
    municipality = factory.SubFactory(MunicipalityFactory)
    ladder_step = 3
    bsn = None  # a fresh synthetic one unless given

    @factory.lazy_attribute
    def bsn_encrypted(self):
        return ""

    @classmethod
    def _create(cls, model_class, *args, bsn: str | None = None, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.set_bsn(bsn or make_bsn())
        obj.save()
        return obj

    skills = factory.PostGeneration(_skills_set("skills"))
    interests = factory.PostGeneration(_skills_set("interests"))

    @factory.post_generation
    def consents(self, create, extracted, kinds=(), **kwargs):
        """Consents of the given kinds, in force from ten days ago for a year."""
        wanted = extracted if extracted is not None else kinds
        if not create:
            return
        today = timezone.localdate()
        for kind in wanted:
            Consent.objects.create(
                jobseeker=self,
                kind=kind,
                given_on=today - datetime.timedelta(days=10),
                valid_until=today + datetime.timedelta(days=365),
            )


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    jobseeker = factory.SubFactory(JobSeekerFactory)
    kind = ConsentKind.SHARE_PROFILE
    given_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=300))


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSeekerNote

    jobseeker = factory.SubFactory(JobSeekerFactory)
    text = "Gesprek gehad."
