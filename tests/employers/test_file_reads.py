"""What the employer's file reads: no more of a row than it shows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_employer(caseworker_heusden, heusden_person, bakery_heusden):
    """A company with three of every record its file shows (visits with clicks, proposals,
    placements with check-ins, evaluations and reminders, jobs with their checks)."""
    from tests.employers.factories import ContactMomentFactory
    from tests.jobseekers.factories import ConsentFactory
    from tests.placements.factories import make_file_records

    for kind in ("share_profile", "introduction"):
        ConsentFactory(jobseeker=heusden_person, kind=kind)
    for _ in range(2):
        ContactMomentFactory(employer=bakery_heusden, author=caseworker_heusden)
    make_file_records(
        user=caseworker_heusden, jobseeker=heusden_person, employer=bakery_heusden, n=3
    )
    return bakery_heusden


def _file_queries(client, user, employer) -> tuple[list[str], str]:
    client.force_login(user)
    url = f"/employers/{employer.pk}/"
    client.get(url)  # the session's first request writes it
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries], response.content.decode()


def test_the_file_reads_no_bsn_and_no_password_hash(
    client, caseworker_heusden, busy_employer, heusden_person
):
    """Clicks, proposals, placements and jobs name the person (first and last name), not the
    rest of their file; the staff who proposed, checked in or recorded a contact moment by
    their names."""
    sqls, html = _file_queries(client, caseworker_heusden, busy_employer)
    assert not [s for s in sqls if '"bsn_encrypted"' in s]
    timeline = [
        s
        for s in sqls
        if s.startswith(('SELECT "visits_', 'SELECT "placements_', 'SELECT "employers_contact'))
    ]
    assert len(timeline) >= 7
    assert not [s for s in timeline if '"password"' in s]
    assert html.count(str(heusden_person)) >= 12
    # The contact moments: date, kind and author.
    assert len(re.findall(rf"</strong> · [^<·]+ · {caseworker_heusden}</p>", html)) == 2


def test_the_timeline_does_not_read_the_company_again(client, caseworker_heusden, busy_employer):
    """The story is read with the company at the top of the file; the visits and jobs on the
    timeline take the file's own company or its name, not the whole row again."""
    sqls, html = _file_queries(client, caseworker_heusden, busy_employer)
    timeline = [s for s in sqls if s.startswith(('SELECT "visits_', 'SELECT "placements_'))]
    assert not [s for s in timeline if '"story_what"' in s]
    assert html.count('data-kind="visit"') == 3
    assert html.count(f"Bezoek aan {busy_employer.trade_name}") == 3


def test_a_longer_file_reads_no_more(client, caseworker_heusden, busy_employer, heusden_person):
    from tests.employers.factories import ContactMomentFactory
    from tests.placements.factories import make_file_records

    before, _ = _file_queries(client, caseworker_heusden, busy_employer)
    make_file_records(
        user=caseworker_heusden, jobseeker=heusden_person, employer=busy_employer, n=4
    )
    for _ in range(3):
        ContactMomentFactory(employer=busy_employer, author=caseworker_heusden)
    after, html = _file_queries(client, caseworker_heusden, busy_employer)
    assert len(after) == len(before)
    assert html.count('data-kind="visit"') == 7
