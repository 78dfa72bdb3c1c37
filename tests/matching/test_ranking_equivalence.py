"""The ranking the database narrows down is the ranking of the rule itself: every person who
qualifies (looking for work, consent, ladder step, hours, within their own travel distance, a
word that touches the company), scored in Python with ``score_profile`` and sorted. Checked over
the tiny data set of ``seed_scale`` (every opening, a visit's invite list per employer, a
caseworker's view), with small batches, so that the SQL prefilter and pre-ranking can never drop
or reorder someone the rule would show (a dense generated set: ``test_prerank``)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from baanbrekers.models import Role
from employers.models import Employer, Opening
from jobseekers.models import ConsentKind, JobSeeker
from matching import ranking
from matching.scoring import company_profile, employer_profile
from tests.users import make_user

from .rule import rule_ranking

pytestmark = pytest.mark.django_db


def ranked(matches):
    return [(m.jobseeker_id, m.score) for m in matches]


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    """seed_scale's tiny set (100 people over the whole country, 120 openings), once per module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_scale", size="tiny", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("limit", [2, 50])
def test_every_opening_of_the_tiny_set_ranks_as_the_rule(tiny, monkeypatch, limit):
    monkeypatch.setattr(ranking, "FIRST_BATCH", 2)
    compared = found = 0
    for opening in Opening.objects.select_related("employer").order_by("pk"):
        company = company_profile(opening.employer, opening)
        search = ranking._opening_search(opening)
        expected = rule_ranking(company, search, limit=limit)
        matches = ranking.rank_jobseekers_for_opening(opening, limit=limit)
        assert ranked(matches) == expected, opening.pk
        compared += 1
        found += len(expected)
    assert compared == 120
    assert found >= 10, "the tiny set must give candidates to compare"


def test_visit_invites_of_the_tiny_set_rank_as_the_rule(tiny):
    day = datetime.date.today() + datetime.timedelta(days=7)
    found = 0
    for employer in Employer.objects.order_by("pk")[:30]:
        search = ranking.Search(
            work_postcode=employer.postcode,
            consent=ConsentKind.JOIN_VISITS,
            consent_until=day,
            keep_unknown_distance=True,
        )
        expected = rule_ranking(employer_profile(employer), search, limit=10)
        assert ranked(ranking.rank_jobseekers_to_invite(employer, on=day, limit=10)) == expected
        found += len(expected)
    assert found > 0


def test_a_caseworkers_view_of_the_tiny_set_ranks_as_the_rule(tiny):
    busiest = JobSeeker.objects.looking_for_work().values_list("municipality", flat=True).first()
    caseworker = make_user("matching-h4@example.org", Role.CASEWORKER, [busiest])
    base = JobSeeker.objects.visible_to(caseworker)
    for opening in Opening.objects.select_related("employer").order_by("pk")[:60]:
        company = company_profile(opening.employer, opening)
        expected = rule_ranking(company, ranking._opening_search(opening), base=base)
        assert ranked(ranking.rank_jobseekers_for_opening(opening, base=base)) == expected
