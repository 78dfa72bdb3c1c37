"""Matching: who fits an opening, why, what they lack, and who is filtered out."""

import datetime

import pytest
from django.utils import timezone

from jobseekers.models import ConsentKind
from placements import matching

from .factories import EmployerFactory, JobSeekerFactory, OpeningFactory, skill

pytestmark = pytest.mark.django_db


@pytest.fixture
def technical_opening(waalwijk):
    employer = EmployerFactory(
        trade_name="Metaalwerkplaats Van Dongen",
        postcode="5141 GD",
        municipality=waalwijk,
        story_what="Wij bouwen en repareren machines voor de schoenindustrie.",
        story_values="Nieuwsgierig, handig, betrouwbaar.",
    )
    employer.valued_skills.set([skill("betrouwbaar")])
    return OpeningFactory(
        employer=employer,
        title="Ontwikkelplek werkplaats",
        competences=["lassen", "technisch inzicht", "veiligheid (VCA)"],
        hours_per_week=24,
    )


def ranked_names(opening, **kwargs):
    return [m.jobseeker.first_name for m in matching.rank_jobseekers_for_opening(opening, **kwargs)]


def test_cook_with_a_technical_hobby_fits_a_technical_company(technical_opening, loon_op_zand):
    cook = JobSeekerFactory(
        first_name="Ahmed",
        postcode="5171 AB",
        municipality=loon_op_zand,
        skills=["koken"],
        interests=["sleutelen aan brommers"],
        hours_available=24,
    )
    [match] = matching.rank_jobseekers_for_opening(technical_opening)
    assert match.jobseeker == cook
    assert match.explanation.startswith("koken, sleutelen aan brommers (hobby) → techniek; ")
    assert "km" in match.explanation and match.explanation.endswith("24 uur beschikbaar")
    assert match.gap == ["lassen", "technisch inzicht", "veiligheid (VCA)"]
    assert 10 < match.score < 60


def test_direct_skills_outrank_a_hobby_and_the_gap_shrinks(technical_opening, loon_op_zand):
    JobSeekerFactory(first_name="Hobbyist", skills=["koken"], interests=["sleutelen aan brommers"])
    welder = JobSeekerFactory(first_name="Lasser", skills=["lassen", "betrouwbaar"])
    matches = matching.rank_jobseekers_for_opening(technical_opening)
    assert [m.jobseeker.first_name for m in matches] == ["Lasser", "Hobbyist"]
    assert matches[0].jobseeker == welder
    assert matches[0].gap == ["technisch inzicht", "veiligheid (VCA)"]
    assert "lassen" in matches[0].explanation


def test_someone_without_any_link_to_the_company_is_not_listed(technical_opening):
    JobSeekerFactory(first_name="Zorg", skills=["ouderenzorg"], interests=["zingen"])
    assert ranked_names(technical_opening) == []


def test_distance_counts_against_each_persons_own_maximum(technical_opening):
    # Kaatsheuvel is a few km from Waalwijk, Vlijmen about 15, Amsterdam about 80.
    JobSeekerFactory(first_name="Dichtbij", postcode="5171 AB", max_travel_km=5, skills=["lassen"])
    JobSeekerFactory(
        first_name="VlijmenKort", postcode="5251 AB", max_travel_km=5, skills=["lassen"]
    )
    JobSeekerFactory(
        first_name="VlijmenVer", postcode="5251 AB", max_travel_km=25, skills=["lassen"]
    )
    JobSeekerFactory(
        first_name="Amsterdam", postcode="1011 AB", max_travel_km=50, skills=["lassen"]
    )
    JobSeekerFactory(
        first_name="Onbekend", postcode="1000 AA", max_travel_km=200, skills=["lassen"]
    )
    assert sorted(ranked_names(technical_opening)) == ["Dichtbij", "VlijmenVer"]


def test_hours_ladder_status_and_consent_filter_people_out(technical_opening):
    JobSeekerFactory(first_name="Past", skills=["lassen"])
    JobSeekerFactory(first_name="TeWeinigUren", skills=["lassen"], hours_available=16)
    JobSeekerFactory(first_name="Trede1", skills=["lassen"], ladder_step=1)
    JobSeekerFactory(first_name="Werkt", skills=["lassen"], status="working")
    JobSeekerFactory(first_name="GeenToestemming", skills=["lassen"], consents=[])
    JobSeekerFactory(
        first_name="AlleenIntro", skills=["lassen"], consents=[ConsentKind.INTRODUCTION]
    )
    expired = JobSeekerFactory(first_name="Verlopen", skills=["lassen"], consents=[])
    expired.consents.create(
        kind=ConsentKind.SHARE_PROFILE,
        given_on=timezone.localdate() - datetime.timedelta(days=400),
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert ranked_names(technical_opening) == ["Past"]


def test_vacancies_need_a_higher_ladder_step(technical_opening):
    technical_opening.kind = "vacancy"
    technical_opening.save()
    JobSeekerFactory(first_name="Trede3", skills=["lassen"], ladder_step=3)
    JobSeekerFactory(first_name="Trede5", skills=["lassen"], ladder_step=5)
    assert ranked_names(technical_opening) == ["Trede5"]


def test_base_queryset_limits_the_people_considered(technical_opening, heusden, loon_op_zand):
    JobSeekerFactory(first_name="Loon", skills=["lassen"], municipality=loon_op_zand)
    JobSeekerFactory(
        first_name="Heusden", skills=["lassen"], municipality=heusden, postcode="5161 AA"
    )
    from jobseekers.models import JobSeeker

    base = JobSeeker.objects.filter(municipality=heusden)
    assert ranked_names(technical_opening, base=base) == ["Heusden"]


def test_ranking_uses_a_constant_number_of_queries(
    technical_opening, django_assert_max_num_queries
):
    for i in range(3):
        JobSeekerFactory(skills=["lassen"], interests=[f"hobby {i}"])
    with django_assert_max_num_queries(11):
        assert len(matching.rank_jobseekers_for_opening(technical_opening)) == 3
    for i in range(12):
        JobSeekerFactory(skills=["lassen", "koken"], interests=[f"hobby {i}", "fietsen repareren"])
    with django_assert_max_num_queries(11):
        assert len(matching.rank_jobseekers_for_opening(technical_opening)) == 15


def test_openings_and_companies_for_a_jobseeker(technical_opening, waalwijk):
    bakery = EmployerFactory(
        trade_name="Bakkerij",
        postcode="5141 AA",
        municipality=waalwijk,
        story_what="Wij bakken brood en banket.",
    )
    OpeningFactory(employer=bakery, title="Hulp in de bakkerij", competences=["bakken"])
    far = EmployerFactory(trade_name="Ver weg", postcode="9711 AA", story_what="Machines repareren")
    OpeningFactory(employer=far, title="Monteur", competences=["lassen"])
    cook = JobSeekerFactory(
        skills=["koken"], interests=["sleutelen aan brommers"], max_travel_km=15
    )

    openings = matching.rank_openings_for_jobseeker(cook)
    titles = [m.opening.title for m in openings]
    assert "Monteur" not in titles
    assert set(titles) == {"Hulp in de bakkerij", "Ontwikkelplek werkplaats"}
    workshop = next(m for m in openings if m.opening == technical_opening)
    assert "sleutelen aan brommers (hobby) → techniek" in workshop.explanation

    companies = [m.employer for m in matching.rank_employers_to_visit(cook)]
    assert technical_opening.employer in companies and far not in companies


def test_score_profile_explains_and_states_the_gap_without_queries():
    company = matching.CompanyProfile(
        sought=frozenset({1, 2}),
        valued=frozenset(),
        themes=frozenset({"technical"}),
        sought_names={1: "lassen", 2: "VCA"},
    )
    names = {1: "lassen", 3: "koken", 4: "sleutelen aan brommers"}
    score, text, gap = matching.score_profile(
        company=company,
        skills={3},
        interests={4, 1},
        names=names,
        distance_km=6.2,
        max_travel_km=15,
        hours=24,
    )
    assert (
        text
        == "koken, lassen (hobby), sleutelen aan brommers (hobby) → techniek; 6 km; 24 uur beschikbaar"
    )
    assert gap == ["VCA"]
    assert 0 < score <= 100


def test_a_click_during_a_company_visit_lifts_a_candidate(technical_opening):
    from django.utils import timezone

    from visits.models import Click, Visit

    first = JobSeekerFactory(first_name="Lasser", skills=["lassen", "betrouwbaar"])
    clicked = JobSeekerFactory(first_name="Klikker", interests=["sleutelen aan brommers"])
    assert ranked_names(technical_opening) == ["Lasser", "Klikker"]
    visit = Visit.objects.create(
        employer=technical_opening.employer, starts_at=timezone.now(), purpose="Kennismaken"
    )
    Click.objects.create(visit=visit, jobseeker=clicked)
    matches = matching.rank_jobseekers_for_opening(technical_opening)
    klikker = next(m for m in matches if m.jobseeker == clicked)
    assert klikker.explanation.startswith("klik tijdens een bedrijfsbezoek; ")
    assert first in [m.jobseeker for m in matches]
