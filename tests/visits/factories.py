"""Factories for the visits app's models. Employers and job seekers come from their own apps'
factories (a job seeker who may join visits: ``JobSeekerFactory(joins_visits=True)``)."""

import datetime

import factory
from django.utils import timezone

from tests.employers.factories import EmployerFactory
from visits.models import Visit


class VisitFactory(factory.django.DjangoModelFactory):
    """A visit a week from now at a bakery in Vlijmen."""

    class Meta:
        model = Visit

    employer = factory.SubFactory(EmployerFactory, bakery=True)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    duration_minutes = 90
    place = "Molenstraat 12, 5251 AB Vlijmen"
    purpose = "Kennismaken met het bedrijf en de mensen."
    capacity = 3
