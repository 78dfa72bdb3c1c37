"""Factories for the portal's tests: the pipeline's factories (employers, openings, job seekers
with consents, placements through the services) plus the portal's own rows."""

import datetime

import factory
from django.utils import timezone

from employers.models import EmployerContact
from jobseekers.models import BenefitType
from portal.models import CompanyClaim
from tests.placements.factories import (  # noqa: F401 (re-exported for the portal's tests)
    BuddyPairingFactory,
    EmployerFactory,
    JobSeekerFactory,
    MunicipalityFactory,
    OpeningFactory,
    make_placement,
)

SECRET_BSN = "111222333"
SECRET_LIMITATIONS = "Rugklachten, kan niet tillen boven 5 kilo"


def link(user, employer, **fields) -> EmployerContact:
    """Makes ``user`` a portal contact of ``employer`` (as an accepted invitation would)."""
    return EmployerContact.objects.create(
        employer=employer,
        user=user,
        name=fields.pop("name", user.first_name or user.email),
        **fields,
    )


def sensitive_jobseeker(*, bsn: str | None = SECRET_BSN, **kwargs):
    """A job seeker with everything an employer must never see: a known BSN, a benefit, and
    limitations; the consents given are to share a profile (not yet to an introduction)."""
    person = JobSeekerFactory(
        first_name=kwargs.pop("first_name", "Fatima"),
        last_name=kwargs.pop("last_name", "Zwanenburg"),
        email="fatima.zwanenburg@example.org",
        phone="06 12345678",
        postcode="5171 AB",
        benefit_type=BenefitType.WAJONG,
        limitations=SECRET_LIMITATIONS,
        hours_available=28,
        skills=["Heftruck", "Klantvriendelijk"],
        interests=["Sleutelen aan brommers"],
        consents=kwargs.pop("consents", ["share_profile"]),
        **kwargs,
    )
    if bsn:
        person.set_bsn(bsn)
        person.save(update_fields=["bsn_encrypted", "bsn_hash"])
    return person


class CompanyClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyClaim

    employer = factory.SubFactory(EmployerFactory)
    kvk_number = factory.LazyAttribute(lambda o: o.employer.kvk_number)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)
