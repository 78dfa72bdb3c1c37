"""`seed_demo` on a fresh database (one seed for all of these checks: it is the slow part): the
roll-up matches the raw rows, and the demo alderman sees a living region (issue 12): numbers, not
"< 5", for the region and for their municipality, beside the other municipalities; a second seed
adds nothing."""

import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from baanbrekers.models import User
from jobseekers.models import JobSeeker
from placements.models import BuddyPairing, DevelopmentPlacement, JobCheck, JobOutcome, Proposal
from stats.models import DailyFigures
from visits.models import Click, Visit

from .expected import expected_figures

SMALL = "< 5"
REGION = "Regio (alle gemeenten)"


def _shown_cells(report) -> dict[str, object]:
    cells = {k: v for k, _l, v in report.headlines}
    cells |= {k: v for k, _l, _b, v in report.funnel}
    cells |= {k: v for k, _l, _b, v in report.routes}
    cells |= {k: v for k, _l, v in report.details}
    cells |= {f"{m:%Y-%m} {k}": v for m, row in report.trend for k, v in row.items()}
    cells |= {f"{n} {k}": v for n, row in report.comparison for k, v in row.items()}
    return cells


def test_the_demo_alderman_sees_a_living_region(db, client, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    settings.MFA_REQUIRED_FOR_STAFF = False  # as in make run (dev settings)
    call_command("seed_demo")
    stored = {(r.municipality_id, r.day) for r in DailyFigures.objects.all()}
    assert stored == set(expected_figures(timezone.localdate()))

    alderman = User.objects.get(email="alderman@example.org")
    client.force_login(alderman)

    for area in ("region", "GM0797"):
        response = client.get(reverse("dashboard:index"), {"area": area})
        assert response.status_code == 200
        report = response.context["report"]
        assert report.exact is False
        cells = _shown_cells(report)
        small = sorted(k for k, v in cells.items() if v == SMALL)
        assert not small, (area, small)
        # Every count is rounded for an alderman; the headline figures are all there.
        assert all(isinstance(v, int) and v >= 5 for _k, _l, v in report.headlines), area
        assert not [v for v in cells.values() if isinstance(v, int) and v % 5]
        # The monthly chart has a bar for every month and series.
        columns = response.context["trend_chart"]["columns"]
        assert columns and all(not c.hidden and c.height > 0 for c in columns), area
        # The only small sign on the page is the legend's.
        assert response.text.count("&lt; 5") == 1

    # Beside the other municipalities of the region and the region, own one first and marked.
    names = [name for name, _cells in report.comparison]
    assert names == ["Heusden", "Loon op Zand", "Waalwijk", REGION]
    assert report.comparison_own == frozenset({"Heusden"})
    assert "(eigen gemeente)" in response.text

    # A period of one month, the last complete one, has numbers too.
    last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    month = f"{last:%Y-%m}"
    response = client.get(reverse("dashboard:index"), {"start": month, "end": month})
    assert not [k for k, v in _shown_cells(response.context["report"]).items() if v == SMALL]

    # Two years and more, in bulk; a second seed adds nothing.
    first = Visit.objects.order_by("starts_at").first().starts_at.date()
    assert (timezone.localdate() - first).days > 2 * 365
    models = [JobSeeker, Visit, Click, Proposal, DevelopmentPlacement, JobOutcome, JobCheck]
    models.append(BuddyPairing)
    counts = {m: m.objects.count() for m in models}
    assert counts[JobSeeker] > 300 and counts[JobCheck] > 100 and counts[BuddyPairing] > 50
    call_command("seed_demo")
    assert {m: m.objects.count() for m in models} == counts
