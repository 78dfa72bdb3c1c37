"""What the job seeker's file reads: each part once, and no more of a row than it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_file(caseworker_heusden, heusden_person, bakery_heusden):
    """A person with consents, skills, interests, a note and three of every record the file's
    timeline shows (visits and clicks, proposals, placements, jobs, buddy pairings)."""
    from baanbrekers.services import skills_from_names
    from tests.jobseekers.factories import ConsentFactory, NoteFactory
    from tests.placements.factories import make_file_records

    for kind in ("share_profile", "introduction", "join_visits"):
        ConsentFactory(jobseeker=heusden_person, kind=kind)
    NoteFactory(jobseeker=heusden_person, text="Belde over de bijstand")
    heusden_person.skills.set(skills_from_names(["Zuurdesem kneden", "Broodjes smeren"]))
    heusden_person.interests.set(skills_from_names(["Vissen op zee"]))
    make_file_records(
        user=caseworker_heusden, jobseeker=heusden_person, employer=bakery_heusden, n=3
    )
    return heusden_person


def _file_queries(client, user, person) -> tuple[list[str], str]:
    client.force_login(user)
    url = reverse("jobseekers:detail", args=[person.pk])
    client.get(url)  # the session's first request writes it
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries], response.content.decode()


def test_the_file_reads_the_consents_once(client, caseworker_heusden, busy_file):
    """The consents table, the consents on the timeline and the "sign up for a visit" action
    share one read (the follow-ups' query only names the consents' ids in a subquery)."""
    sqls, html = _file_queries(client, caseworker_heusden, busy_file)
    assert len([s for s in sqls if s.startswith('SELECT "jobseekers_consent"')]) == 1
    assert html.count('data-kind="consent"') == 3


def test_the_file_reads_skills_and_interests_in_one_query_in_name_order(
    client, caseworker_heusden, busy_file
):
    sqls, html = _file_queries(client, caseworker_heusden, busy_file)
    words = [s for s in sqls if "jobseekers_jobseeker_skills" in s or "_interests" in s]
    assert len(words) == 1
    assert '<li class="bb-tag">Broodjes smeren</li><li class="bb-tag">Zuurdesem kneden</li>' in html
    assert '<li class="bb-tag bb-tag--interest">Vissen op zee</li>' in html


def test_the_caseworker_comes_with_the_person(client, caseworker_heusden, busy_file):
    busy_file.caseworker = caseworker_heusden
    busy_file.save(update_fields=["caseworker"])
    sqls, html = _file_queries(client, caseworker_heusden, busy_file)
    person = next(s for s in sqls if s.startswith('SELECT "jobseekers_jobseeker"'))
    assert '"baanbrekers_user"."email"' in person
    assert str(caseworker_heusden) in html


def test_the_timeline_reads_no_employer_story_or_password_hash(
    client, caseworker_heusden, busy_file
):
    """Visits, clicks, proposals, placements and jobs name their company: its name is read,
    not its story; the staff who signed up, clicked, proposed or checked in are read by
    their names, not their whole row."""
    sqls, html = _file_queries(client, caseworker_heusden, busy_file)
    assert not [s for s in sqls if '"story_what"' in s]
    timeline = [s for s in sqls if s.startswith(('SELECT "visits_', 'SELECT "placements_'))]
    assert len(timeline) >= 8
    assert not [s for s in timeline if '"password"' in s]
    assert "Bakkerij De Korenschoof" in html


def test_a_longer_file_reads_no_more(client, caseworker_heusden, busy_file, bakery_heusden):
    from tests.placements.factories import make_file_records

    before, _ = _file_queries(client, caseworker_heusden, busy_file)
    make_file_records(user=caseworker_heusden, jobseeker=busy_file, employer=bakery_heusden, n=4)
    after, html = _file_queries(client, caseworker_heusden, busy_file)
    assert len(after) == len(before)
    assert html.count('data-kind="click"') == 7
