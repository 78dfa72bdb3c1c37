"""Factories for the portal's own models. Employers, their portal contacts
(``EmployerContactFactory(employer=..., user=...)``), openings and job seekers (a person with
everything an employer must never see: ``JobSeekerFactory(sensitive=True)``) come from their own
apps' factories."""

import factory

from portal.models import CompanyClaim
from tests.employers.factories import EmployerFactory


class CompanyClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyClaim

    employer = factory.SubFactory(EmployerFactory)
    kvk_number = factory.LazyAttribute(lambda o: o.employer.kvk_number)
