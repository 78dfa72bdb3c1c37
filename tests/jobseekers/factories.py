import datetime
import itertools

import factory

from baanbrekers.models import Municipality
from jobseekers.models import Consent, ConsentKind, JobSeeker, JobSeekerNote

_bsn_numbers = itertools.count(1)


def make_bsn(n: int | None = None) -> str:
    """A synthetic BSN that passes the eleven-test (a different one on every call)."""
    candidate = 30_000_000 + 13 * (next(_bsn_numbers) if n is None else n)
    while True:
        digits = [int(d) for d in f"{candidate:08d}"]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return f"{candidate:08d}{check}"
        candidate += 1


class JobSeekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSeeker
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Voornaam{n}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")
    birth_date = datetime.date(1985, 5, 17)
    postcode = "5251 AB"
    municipality = factory.LazyFunction(
        lambda: Municipality.objects.get_or_create(cbs_code="GM0797", defaults={"name": "Heusden"})[
            0
        ]
    )
    ladder_step = 3

    @factory.lazy_attribute
    def bsn_encrypted(self):
        return ""

    @classmethod
    def _create(cls, model_class, *args, bsn: str | None = None, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.set_bsn(bsn or make_bsn())
        obj.save()
        return obj

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if extracted:
            from baanbrekers.services import skills_from_names

            self.skills.set(skills_from_names(extracted))

    @factory.post_generation
    def interests(self, create, extracted, **kwargs):
        if extracted:
            from baanbrekers.services import skills_from_names

            self.interests.set(skills_from_names(extracted))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    jobseeker = factory.SubFactory(JobSeekerFactory)
    kind = ConsentKind.SHARE_PROFILE
    given_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))
    valid_until = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=300))


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSeekerNote

    jobseeker = factory.SubFactory(JobSeekerFactory)
    text = "Gesprek gehad."
