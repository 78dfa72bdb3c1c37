import datetime
import time

import pytest

from baanbrekers import demo as base_demo
from baanbrekers import geo
from baanbrekers.models import Role
from baanbrekers.validators import bsn_passes_eleven_test
from jobseekers import demo
from jobseekers.models import Consent, JobSeeker

pytestmark = pytest.mark.django_db


def run_seed():
    ctx = base_demo.DemoContext(password="demo-password-for-tests")
    base_demo.seed(ctx)
    demo.seed(ctx)
    return ctx


def test_demo_job_seekers_are_seeded_once_quickly_and_look_real():
    ctx = base_demo.DemoContext(password="demo-password-for-tests")
    base_demo.seed(ctx)
    started = time.monotonic()
    demo.seed(ctx)
    assert time.monotonic() - started < 5
    counts = (JobSeeker.objects.count(), Consent.objects.count())
    run_seed()
    assert (JobSeeker.objects.count(), Consent.objects.count()) == counts
    assert counts[0] == demo.COUNT
    assert len(ctx.extra["jobseekers"]) == demo.COUNT

    by_town = {p.municipality.cbs_code: 0 for p in ctx.extra["jobseekers"]}
    assert set(by_town) == {"GM0797", "GM0809", "GM0867"}
    for person in ctx.extra["jobseekers"]:
        # A real postcode area of the person's own municipality, so distances can be computed.
        assert geo.municipality_code_for_postcode(person.postcode) == person.municipality.cbs_code
        assert bsn_passes_eleven_test(person.reveal_bsn())
        if person.municipality.cbs_code in ("GM0797", "GM0809"):
            assert person.caseworker == ctx.users[Role.CASEWORKER]

    cook = JobSeeker.objects.with_bsn(demo.synthetic_bsn(0)).get()
    assert [s.name for s in cook.skills.all()] == ["koken"]
    assert "sleutelen aan brommers" in {s.name for s in cook.interests.all()}
    assert cook.municipality.cbs_code == "GM0797"
    assert len({p.ladder_step for p in ctx.extra["jobseekers"]}) == 6
    soon = datetime.date.today() + datetime.timedelta(days=31)
    assert Consent.objects.valid().filter(valid_until__lte=soon).count() >= 5
