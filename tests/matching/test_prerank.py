"""The database's pre-ranking (``matching.prerank``) leaves a ranking exactly as scoring every
candidate in Python would: the same people with the same scores in the same order, while Python
scores only the top."""

import datetime
import random

import pytest

from baanbrekers import geo
from baanbrekers.models import Skill
from jobseekers.demo import INTERESTS, SKILLS
from jobseekers.models import ConsentKind, JobSeeker
from matching import ranking
from matching.scoring import company_profile, employer_profile, score_profile
from tests.baanbrekers.factories import skill
from tests.employers.factories import EmployerFactory, OpeningFactory
from tests.jobseekers.factories import JobSeekerFactory

from .rule import rule_ranking

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(waalwijk):
    """120 generated people around Waalwijk with words from the whole vocabulary (synonyms,
    narrower and broader terms, fields of work), varied hours, ladder steps and travel."""
    rng = random.Random(14)
    words = sorted(set(SKILLS + INTERESTS) | set(Skill.objects.values_list("name", flat=True)))
    areas = sorted(geo.areas_within_km("5141 GD", 30))
    made = []
    for n in range(120):
        made.append(
            JobSeekerFactory(
                first_name=f"P{n}",
                last_name=rng.choice(["de Vries", "Jansen", "Bakker"]),  # ties broken by id
                municipality=waalwijk,
                postcode=f"{rng.choice(areas)} AB",
                hours_available=rng.choice([8, 16, 24, 32]),
                max_travel_km=rng.choice([5, 10, 15, 25, 50]),
                ladder_step=rng.randint(1, 6),
                skills=rng.sample(words, rng.randint(0, 4)),
                interests=rng.sample(words, rng.randint(0, 3)),
                consents=[ConsentKind.SHARE_PROFILE, ConsentKind.JOIN_VISITS]
                if rng.random() < 0.9
                else [],
            )
        )
    return made


@pytest.fixture
def openings(waalwijk):
    employer = EmployerFactory(
        postcode="5141 GD",
        municipality=waalwijk,
        story_what="Wij bouwen en repareren machines; ook horeca en zorg kennen we.",
        story_values="Nieuwsgierig, handig, betrouwbaar.",
    )
    employer.valued_skills.set([skill("betrouwbaar"), skill("teamwerk")])
    technical = OpeningFactory(
        employer=employer,
        placement=True,
        competences=["lassen", "technisch inzicht", "veiligheid (VCA)"],
        hours_per_week=16,
    )
    kitchen = OpeningFactory(employer=employer, placement=True, competences=["koken", "bediening"])
    return [technical, kitchen]


def score_everyone(company, search, clicked, limit):
    """The ranking as scoring every person the rule admits in Python would give it."""
    return rule_ranking(company, search, clicked=clicked, limit=limit)


@pytest.mark.parametrize("limit", [3, 40])
def test_prerank_gives_the_same_top_as_scoring_everyone(people, openings, monkeypatch, limit):
    # Small rounds, so that the stop rule (nobody left can reach the last place) is exercised.
    monkeypatch.setattr(ranking, "FIRST_BATCH", 4)
    clicked = {people[1].pk, people[7].pk, people[20].pk}
    for opening in openings:
        company = company_profile(opening.employer, opening)
        search = ranking._opening_search(opening)
        expected = score_everyone(company, search, clicked, limit)
        matches = ranking.rank_jobseekers(
            company=company, search=search, clicked=clicked, limit=limit
        )
        assert expected, "the generated data set must give candidates"
        assert [(m.jobseeker_id, m.score) for m in matches] == expected


def test_prerank_of_a_visit_keeps_the_same_order(people, openings):
    employer = openings[0].employer
    day = datetime.date.today() + datetime.timedelta(days=7)
    company = employer_profile(employer)
    search = ranking.Search(
        work_postcode=employer.postcode,
        consent=ConsentKind.JOIN_VISITS,
        consent_until=day,
        keep_unknown_distance=True,
    )
    expected = score_everyone(company, search, set(), 10)
    matches = ranking.rank_jobseekers_to_invite(employer, on=day, limit=10)
    assert [(m.jobseeker_id, m.score) for m in matches] == expected


def test_pre_score_is_the_unrounded_score(people, openings):
    """Every candidate's pre-score lies within half a point of the score Python gives."""
    opening = openings[0]
    company = company_profile(opening.employer, opening)
    search = ranking._opening_search(opening)
    rows, relevant = ranking._candidate_rows(search, company, None)
    sql, params = ranking._prescored_rows(rows, company, search, relevant, set())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, 1000, 0])
        fetched = cursor.fetchall()
    assert len(fetched) > 10
    for _pk, _pc4, max_travel, _h, skill_ids, interest_ids, _name, km, pre in fetched:
        fit = score_profile(
            company=company,
            skills=skill_ids,
            interests=interest_ids,
            distance_km=km,
            max_travel_km=max_travel,
        )
        assert abs(pre - fit.score) <= 0.5 + 1e-6


def test_a_user_who_sees_nobody_gets_an_empty_ranking(openings):
    JobSeekerFactory(skills=["lassen"], consents=[ConsentKind.SHARE_PROFILE])
    assert ranking.rank_jobseekers_for_opening(openings[0], base=JobSeeker.objects.none()) == []


@pytest.mark.parametrize("limit", [3, 40])
def test_the_generated_set_ranks_as_the_rule_itself(people, openings, monkeypatch, limit):
    monkeypatch.setattr(ranking, "FIRST_BATCH", 4)
    clicked = {people[1].pk, people[7].pk, people[20].pk}
    for opening in openings:
        company = company_profile(opening.employer, opening)
        expected = rule_ranking(
            company, ranking._opening_search(opening), clicked=clicked, limit=limit
        )
        matches = ranking.rank_jobseekers_for_opening(opening, clicked=clicked, limit=limit)
        assert len(expected) >= min(limit, 5)
        assert [(m.jobseeker_id, m.score) for m in matches] == expected
