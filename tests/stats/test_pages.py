import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from stats import services
from stats.models import DailyFigures
from stats.synthetic import generate

from .conftest import AS_OF, START

pytestmark = pytest.mark.django_db

SMALL = "< 5"
PERIOD = {"start": "2024-01", "end": "2026-06"}


@pytest.fixture
def figures(generated):
    services.figures_rebuild(as_of=AS_OF)


def get(client, user, name="dashboard:index", params=None, **kwargs):
    client.force_login(user)
    return client.get(reverse(name, **kwargs), params or {})


@pytest.mark.parametrize("who", ["caseworker_heusden", "coordinator", "alderman"])
def test_staff_see_the_dashboard(client, request, who, figures):
    response = get(client, request.getfixturevalue(who), params=PERIOD)
    assert response.status_code == 200
    assert "Banen gevonden sinds de start" in response.text


def test_employer_contact_is_refused(client, employer_contact_a, figures):
    assert get(client, employer_contact_a).status_code == 403
    assert (
        get(client, employer_contact_a, "dashboard:export", kwargs={"fmt": "csv"}).status_code
        == 403
    )


def test_anonymous_is_sent_to_log_in(client, figures):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get(reverse("dashboard:export", kwargs={"fmt": "xlsx"})).status_code == 302


def test_alderman_compares_their_municipality_with_the_others_of_the_region(
    client, alderman, figures
):
    # DESIGN.md section 4: their municipality, the other municipalities of the region and the
    # region, all through disclosure control; their own first and marked.
    response = get(client, alderman, params={**PERIOD, "area": "GM0797"})
    assert response.status_code == 200
    report = response.context["report"]
    assert [name for name, _cells in report.comparison] == [
        "Heusden",
        "Loon op Zand",
        "Waalwijk",
        "Regio (alle gemeenten)",
    ]
    assert report.comparison_own == frozenset({"Heusden"})
    cells = [v for _name, row in report.comparison for v in row.values()]
    assert not [v for v in cells if isinstance(v, int) and v % 5]
    header = re.search(r'<table[^>]*id="comparison-table".*?</thead>', response.text, re.S)[0]
    assert "(eigen gemeente)" in header and "Waalwijk" in header
    # Another municipality of the region may be chosen too, protected like their own.
    other = get(client, alderman, params={**PERIOD, "area": "GM0867"})
    assert other.status_code == 200
    assert other.context["report"].exact is False
    assert other.context["report"].area_name == "Waalwijk"
    # A municipality that does not exist is a miss.
    assert get(client, alderman, params={**PERIOD, "area": "GM9999"}).status_code == 404
    assert (
        get(
            client, alderman, "dashboard:export", {"area": "GM9999"}, kwargs={"fmt": "csv"}
        ).status_code
        == 404
    )


def test_coordinator_compares_every_municipality(client, coordinator, figures):
    response = get(client, coordinator, params=PERIOD)
    names = [name for name, _cells in response.context["report"].comparison]
    assert names == ["Heusden", "Loon op Zand", "Waalwijk", "Regio (alle gemeenten)"]


def test_caseworker_compares_only_their_own_municipality(client, caseworker_waalwijk, figures):
    response = get(client, caseworker_waalwijk, params=PERIOD)
    names = [name for name, _cells in response.context["report"].comparison]
    assert names == ["Waalwijk", "Regio (alle gemeenten)"]


def test_headline_jobs_since_the_start_counts_every_job(client, coordinator, figures):
    from placements.models import JobOutcome

    expected = JobOutcome.objects.filter(start_date__lte=datetime.date(2026, 6, 30)).count()
    response = get(client, coordinator, params=PERIOD)
    headlines = {key: shown for key, _label, shown in response.context["report"].headlines}
    assert headlines["jobs_since_start"] == expected


def test_a_small_number_is_shown_as_fewer_than_five(client, alderman, heusden):
    DailyFigures.objects.create(
        municipality=heusden,
        day=datetime.date(2026, 3, 3),
        jobs_direct=3,
        outflow=3,
        days_to_work_total=90,
        rolled_up_at=datetime.datetime.now(datetime.UTC),
    )
    response = get(client, alderman, params={"start": "2026-01", "end": "2026-06"})
    report = response.context["report"]
    assert report.exact is False
    headlines = {key: shown for key, _label, shown in report.headlines}
    assert headlines["jobs"] == SMALL
    assert headlines["outflow"] == SMALL
    estimates = {key: shown for key, _label, shown in report.estimates}
    # The money saved would give the outflow away (outflow × months × benefit).
    assert estimates["benefit_saved"] == "–"
    assert estimates["average_days_to_work"] == "–"
    # Nor does the chart give the number away by its length.
    assert {bar for key, _l, bar, _s in report.routes} == {0}
    assert ">3<" not in response.text


def test_the_back_office_sees_exact_figures_and_an_alderman_rounded_ones(
    client, alderman, caseworker_heusden, heusden
):
    DailyFigures.objects.create(
        municipality=heusden,
        day=datetime.date(2026, 3, 3),
        jobs_direct=12,
        jobs_visit=3,
        outflow=12,
        days_to_work_total=600,
        rolled_up_at=datetime.datetime.now(datetime.UTC),
    )
    params = {"start": "2026-01", "end": "2026-06", "area": "GM0797"}
    staff = get(client, caseworker_heusden, params=params).context["report"]
    assert staff.exact is True
    assert {k: s for k, _l, s in staff.headlines}["jobs"] == 15
    assert {k: s for k, _l, _b, s in staff.routes}["jobs_visit"] == 3
    assert {k: s for k, _l, s in staff.estimates}["benefit_saved"] == "€ 201.600"

    response = get(client, alderman, params=params)
    report = response.context["report"]
    assert report.exact is False
    assert {k: s for k, _l, s in report.headlines}["jobs"] == 15
    routes = {k: s for k, _l, _b, s in report.routes}
    assert routes["jobs_direct"] == 10 and routes["jobs_visit"] == SMALL
    estimates = {k: s for k, _l, s in report.estimates}
    # From the outflow as shown (10), and an average over 12 people.
    assert estimates["benefit_saved"] == "€ 168.000"
    assert estimates["average_days_to_work"] == 50
    assert "naar beneden afgerond" in response.text  # the legend says how numbers are rounded
    csv_export = get(client, alderman, "dashboard:export", params, kwargs={"fmt": "csv"})
    assert ";12\r\n" not in csv_export.content.decode("utf-8-sig")


def test_invalid_period_shows_a_dutch_error_and_this_year(client, coordinator, figures):
    response = get(client, coordinator, params={"start": "2026-05", "end": "2026-01"})
    assert response.status_code == 200
    assert "Het einde mag niet voor de start liggen." in response.text
    assert response.context["report"].period.start.month == 1


def _count_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("dashboard:index"), PERIOD)  # the session's first request writes more
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboard:index"), PERIOD)
    assert response.status_code == 200
    # Read from the roll-up only, never from the raw tables.
    raw = re.compile(r'(FROM|JOIN) "(visits|placements|jobseekers|employers)_')
    assert not [q["sql"] for q in ctx.captured_queries if raw.search(q["sql"])]
    return len(ctx.captured_queries)


def test_dashboard_reads_a_constant_small_number_of_queries(
    client, coordinator, heusden, loon_op_zand, waalwijk
):
    generate(municipalities=[heusden], start=START, days=60, jobseekers_per_municipality=5)
    services.figures_rebuild(as_of=AS_OF)
    small = _count_queries(client, coordinator)
    generate(
        municipalities=[heusden, loon_op_zand, waalwijk],
        start=START,
        days=900,
        jobseekers_per_municipality=60,
        seed=3,
        tag="big",
    )
    services.figures_rebuild(as_of=AS_OF)
    assert DailyFigures.objects.count() > 300
    # Session and user lookups, then the municipalities, two sums and the roll-up's state.
    assert _count_queries(client, coordinator) == small <= 12


def test_csv_export_parses_back_with_the_dashboard_numbers(client, coordinator, figures):
    response = get(client, coordinator, "dashboard:export", PERIOD, kwargs={"fmt": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    found = {row[0]: row[1] for row in rows if len(row) == 2}
    report = get(client, coordinator, params=PERIOD).context["report"]
    for _key, label, shown in report.headlines:
        assert found[str(label)] == str(shown)


def test_excel_export_parses_back(client, coordinator, figures):
    response = get(client, coordinator, "dashboard:export", PERIOD, kwargs={"fmt": "xlsx"})
    workbook = load_workbook(io.BytesIO(response.content))
    assert "Banen per route" in workbook.sheetnames
    sheet = workbook["Gemeenten vergeleken"]
    names = [row[0].value for row in sheet.iter_rows(min_row=5)]
    assert names == ["Heusden", "Loon op Zand", "Waalwijk", "Regio (alle gemeenten)"]
    report = get(client, coordinator, params=PERIOD).context["report"]
    jobs = {key: shown for key, _l, shown in report.headlines}["jobs"]
    headline = {row[0].value: row[1].value for row in workbook["Kerncijfers"].iter_rows(min_row=5)}
    assert headline["Banen gevonden in deze periode"] == jobs


def test_pdf_report_of_the_period(client, alderman, figures):
    response = get(client, alderman, "dashboard:export", PERIOD, kwargs={"fmt": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Baanbrekers: cijfers voor Regio (alle gemeenten)" in text
    assert "Heusden" in text  # their own municipality in the comparison
    assert "Van bezoek naar betaald werk" in text
    assert "Waalwijk" in text  # and the others of the region (DESIGN.md section 4)


def test_printable_report(client, alderman, figures):
    response = get(client, alderman, "dashboard:report", PERIOD)
    assert response.status_code == 200
    assert "Gemeenten vergeleken" in response.text


def test_rounding_keeps_the_rest_of_the_region_from_being_worked_out(
    client, alderman, heusden, waalwijk
):
    now = datetime.datetime.now(datetime.UTC)
    # Heusden 10 jobs, Waalwijk 2: exact, region 12 next to Heusden 10 would give Waalwijk's 2 away.
    DailyFigures.objects.create(
        municipality=heusden, day=datetime.date(2026, 2, 3), jobs_direct=6, rolled_up_at=now
    )
    DailyFigures.objects.create(
        municipality=heusden, day=datetime.date(2026, 3, 3), jobs_visit=4, rolled_up_at=now
    )
    DailyFigures.objects.create(
        municipality=waalwijk, day=datetime.date(2026, 3, 3), jobs_direct=2, rolled_up_at=now
    )
    params = {"start": "2026-01", "end": "2026-06"}
    region = get(client, alderman, params=params).context["report"]
    # Region 12 and Heusden 10 both show as 10: the other municipalities' 2 is anything from
    # 0 to 4, so Heusden's own figure need not be hidden (no "x" any more).
    assert dict(region.comparison)["Heusden"]["jobs"] == 10
    assert dict(region.comparison)["Regio (alle gemeenten)"]["jobs"] == 10

    own = get(client, alderman, params={**params, "area": "GM0797"}).context["report"]
    headlines = {k: s for k, _l, s in own.headlines}
    assert headlines["jobs"] == headlines["jobs_since_start"] == 10
    assert {k: s for k, _l, _r, s in own.funnel}["jobs"] == 10
    assert {k: s for k, _l, _r, s in own.routes} == {
        "jobs_visit": SMALL,
        "jobs_placement": 0,
        "jobs_buddy": 0,
        "jobs_referral": 0,
        "jobs_direct": 5,
    }
    assert own.routes_total == 10
    assert [cells["jobs"] for _m, cells in own.trend] == [0, 5, SMALL, 0, 0, 0]
    assert own.trend_totals["jobs"] == 10
