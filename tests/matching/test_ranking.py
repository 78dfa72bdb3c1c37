"""The engine's ranking: who fits an opening (the pipeline), whom to invite to a visit, and which
openings and companies fit a job seeker; who is filtered out and why."""

import datetime

import pytest
from django.utils import timezone

from jobseekers.models import ConsentKind, JobSeeker
from matching import ranking
from tests.baanbrekers.factories import skill
from tests.employers.factories import EmployerFactory, OpeningFactory
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db


def person(**kwargs) -> JobSeeker:
    """A pipeline person: in Kaatsheuvel (a few km from Waalwijk), 24 hours, travels 15 km,
    consents to share a profile unless ``consents`` says otherwise."""
    kwargs.setdefault("postcode", "5171 AB")
    kwargs.setdefault("hours_available", 24)
    kwargs.setdefault("max_travel_km", 15)
    kwargs.setdefault("consents", [ConsentKind.SHARE_PROFILE, ConsentKind.INTRODUCTION])
    return JobSeekerFactory(**kwargs)


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
        placement=True,
        title="Ontwikkelplek werkplaats",
        competences=["lassen", "technisch inzicht", "veiligheid (VCA)"],
        hours_per_week=24,
    )


def ranked_names(opening, **kwargs):
    return [m.jobseeker.first_name for m in ranking.rank_jobseekers_for_opening(opening, **kwargs)]


# --- For an opening (the pipeline) -------------------------------------------------------------


def test_cook_with_a_technical_hobby_fits_a_technical_company(technical_opening, loon_op_zand):
    cook = person(
        first_name="Ahmed",
        municipality=loon_op_zand,
        skills=["koken"],
        interests=["sleutelen aan brommers"],
    )
    [match] = ranking.rank_jobseekers_for_opening(technical_opening)
    assert match.jobseeker == cook
    assert match.explanation.startswith("koken, sleutelen aan brommers (hobby) → techniek; ")
    assert "km" in match.explanation and match.explanation.endswith("24 uur beschikbaar")
    assert match.gap == ["lassen", "technisch inzicht", "veiligheid (VCA)"]
    assert 10 < match.score < 60


def test_direct_skills_outrank_a_hobby_and_the_gap_shrinks(technical_opening):
    person(first_name="Hobbyist", skills=["koken"], interests=["sleutelen aan brommers"])
    welder = person(first_name="Lasser", skills=["lassen", "betrouwbaar"])
    matches = ranking.rank_jobseekers_for_opening(technical_opening)
    assert [m.jobseeker.first_name for m in matches] == ["Lasser", "Hobbyist"]
    assert matches[0].jobseeker == welder
    assert matches[0].gap == ["technisch inzicht", "veiligheid (VCA)"]
    assert "lassen" in matches[0].explanation


def test_someone_without_any_link_to_the_company_is_not_listed(technical_opening):
    person(first_name="Zorg", skills=["ouderenzorg"], interests=["zingen"])
    assert ranked_names(technical_opening) == []


def test_a_skill_named_in_the_story_links_a_person_to_the_company(technical_opening):
    # "handig" has no theme and is not sought or valued, but the story names it.
    person(first_name="Handig", skills=["handig"])
    [match] = ranking.rank_jobseekers_for_opening(technical_opening)
    assert match.explanation.startswith("handig; ")
    assert "Genoemd in het bedrijfsverhaal: handig" in match.reasons


def test_begeleiding_in_a_bicycle_workshops_story_does_not_bring_carers(waalwijk):
    workshop = EmployerFactory(
        trade_name="Fietsenwerkplaats De Trapper",
        postcode="5141 GD",
        municipality=waalwijk,
        story_what="Wij repareren fietsen en e-bikes.",
        story_culture="Iedereen krijgt begeleiding; we zorgen voor een rustige werkplek.",
    )
    opening = OpeningFactory(
        employer=workshop, placement=True, competences=["rijwielhersteller"], hours_per_week=24
    )
    person(first_name="Zorg", skills=["zorg", "persoonlijke begeleiding", "ouderenzorg"])
    person(first_name="Fenna", skills=["fietsenmaker"])
    person(first_name="Bram", skills=["koken"], interests=["sleutelen aan brommers"])
    matches = ranking.rank_jobseekers_for_opening(opening)
    assert [m.jobseeker.first_name for m in matches] == ["Fenna", "Bram"]
    assert matches[0].explanation.startswith(
        "fietsenmaker (synoniem van rijwielhersteller) → techniek; "
    )
    assert matches[0].gap == []
    assert matches[1].gap == ["rijwielhersteller"]


def test_distance_counts_against_each_persons_own_maximum(technical_opening):
    # Kaatsheuvel is a few km from Waalwijk, Vlijmen about 15, Amsterdam about 80.
    person(first_name="Dichtbij", postcode="5171 AB", max_travel_km=5, skills=["lassen"])
    person(first_name="VlijmenKort", postcode="5251 AB", max_travel_km=5, skills=["lassen"])
    person(first_name="VlijmenVer", postcode="5251 AB", max_travel_km=25, skills=["lassen"])
    person(first_name="Amsterdam", postcode="1011 AB", max_travel_km=50, skills=["lassen"])
    person(first_name="Onbekend", postcode="1000 AA", max_travel_km=200, skills=["lassen"])
    assert sorted(ranked_names(technical_opening)) == ["Dichtbij", "VlijmenVer"]


def test_hours_ladder_status_and_consent_filter_people_out(technical_opening):
    person(first_name="Past", skills=["lassen"])
    person(first_name="TeWeinigUren", skills=["lassen"], hours_available=16)
    person(first_name="Trede1", skills=["lassen"], ladder_step=1)
    person(first_name="Werkt", skills=["lassen"], status="working")
    person(
        first_name="Vertrokken",
        skills=["lassen"],
        left_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    person(first_name="GeenToestemming", skills=["lassen"], consents=[])
    person(first_name="AlleenIntro", skills=["lassen"], consents=[ConsentKind.INTRODUCTION])
    person(first_name="AlleenBezoeken", skills=["lassen"], consents=[ConsentKind.JOIN_VISITS])
    expired = person(first_name="Verlopen", skills=["lassen"], consents=[])
    expired.consents.create(
        kind=ConsentKind.SHARE_PROFILE,
        given_on=timezone.localdate() - datetime.timedelta(days=400),
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert ranked_names(technical_opening) == ["Past"]


def test_vacancies_need_a_higher_ladder_step(technical_opening):
    technical_opening.kind = "vacancy"
    technical_opening.save()
    person(first_name="Trede3", skills=["lassen"], ladder_step=3)
    person(first_name="Trede5", skills=["lassen"], ladder_step=5)
    assert ranked_names(technical_opening) == ["Trede5"]


def test_base_queryset_limits_the_people_considered(technical_opening, heusden, loon_op_zand):
    person(first_name="Loon", skills=["lassen"], municipality=loon_op_zand)
    person(first_name="Heusden", skills=["lassen"], municipality=heusden, postcode="5161 AA")
    base = JobSeeker.objects.filter(municipality=heusden)
    assert ranked_names(technical_opening, base=base) == ["Heusden"]


def test_ranking_uses_a_constant_number_of_queries(
    technical_opening, django_assert_max_num_queries
):
    for i in range(3):
        person(skills=["lassen"], interests=[f"hobby {i}"])
    with django_assert_max_num_queries(10):
        assert len(ranking.rank_jobseekers_for_opening(technical_opening)) == 3
    for i in range(12):
        person(skills=["lassen", "koken"], interests=[f"hobby {i}", "fietsen repareren"])
    with django_assert_max_num_queries(10):
        assert len(ranking.rank_jobseekers_for_opening(technical_opening)) == 15


def test_a_click_during_a_company_visit_lifts_a_candidate(technical_opening):
    first = person(first_name="Lasser", skills=["lassen", "betrouwbaar"])
    clicked = person(first_name="Klikker", interests=["sleutelen aan brommers"])
    assert ranked_names(technical_opening) == ["Lasser", "Klikker"]
    without = {m.jobseeker: m.score for m in ranking.rank_jobseekers_for_opening(technical_opening)}
    matches = ranking.rank_jobseekers_for_opening(technical_opening, clicked={clicked.pk})
    klikker = next(m for m in matches if m.jobseeker == clicked)
    assert klikker.explanation.startswith("klik tijdens een bedrijfsbezoek; ")
    assert klikker.score == without[clicked] + 15
    assert first in [m.jobseeker for m in matches]


def test_already_proposed_is_marked(technical_opening, coordinator):
    welder = person(first_name="Lasser", skills=["lassen"])
    technical_opening.proposals.create(jobseeker=welder, proposed_by=coordinator)
    [match] = ranking.rank_jobseekers_for_opening(technical_opening)
    assert match.already_proposed and match.opening == technical_opening


# --- Whom to invite to a visit -----------------------------------------------------------------


@pytest.fixture
def bakery(heusden):
    employer = EmployerFactory(
        municipality=heusden, postcode="5251 AB", story_what="Wij bakken brood en banket."
    )
    employer.valued_skills.set([skill("bakken")])
    return employer


def invite(employer, on=None, **kwargs):
    on = on or timezone.localdate() + datetime.timedelta(days=7)
    return ranking.rank_jobseekers_to_invite(employer, on=on, **kwargs)


def test_invitations_need_a_consent_to_join_visits_that_holds_on_the_day(bakery):
    JobSeekerFactory(first_name="Komt", joins_visits=True, skills=["bakken"])
    JobSeekerFactory(first_name="DeeltProfiel", consenting=True, skills=["bakken"])
    short = JobSeekerFactory(first_name="TeKort", skills=["bakken"])
    short.consents.create(
        kind=ConsentKind.JOIN_VISITS,
        given_on=timezone.localdate() - datetime.timedelta(days=10),
        valid_until=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert [m.jobseeker.first_name for m in invite(bakery)] == ["Komt"]
    in_two_days = timezone.localdate() + datetime.timedelta(days=2)
    assert {m.jobseeker.first_name for m in invite(bakery, on=in_two_days)} == {"Komt", "TeKort"}


def test_invitations_ask_no_hours_or_ladder_step(bakery):
    JobSeekerFactory(joins_visits=True, skills=["bakken"], hours_available=4, ladder_step=1)
    assert len(invite(bakery)) == 1


def test_an_unknown_postcode_is_kept_for_a_visit_but_ranked_last(bakery):
    JobSeekerFactory(
        first_name="Onbekend", joins_visits=True, postcode="1000 AA", skills=["bakken"]
    )
    JobSeekerFactory(first_name="Ver", joins_visits=True, postcode="5211 AB", skills=["bakken"])
    JobSeekerFactory(first_name="Weg", joins_visits=True, postcode="9711 AB", skills=["bakken"])
    matches = invite(bakery)
    assert [m.jobseeker.first_name for m in matches] == ["Ver", "Onbekend"]
    assert matches[1].distance_km is None
    assert not any("km" in reason for reason in matches[1].reasons)


def test_a_theme_alone_is_a_reason_to_invite(bakery):
    # "koken" is not asked for nor named in the story, but it is food work, like the bakery's.
    JobSeekerFactory(first_name="Kok", joins_visits=True, interests=["koken"])
    [match] = invite(bakery)
    assert "Past bij wat het bedrijf doet: koken (hobby) → horeca en voeding" in match.reasons
    assert match.employer == bakery


def test_open_openings_count_as_what_the_company_seeks_for_a_visit(bakery):
    JobSeekerFactory(first_name="Heftruck", joins_visits=True, skills=["heftruck rijden"])
    assert invite(bakery) == []
    OpeningFactory(employer=bakery, competences=["heftruck rijden"])
    [match] = invite(bakery)
    assert "Vaardigheden die het bedrijf zoekt: heftruck rijden" in match.reasons


# --- For a job seeker --------------------------------------------------------------------------


def test_openings_and_companies_for_a_jobseeker(technical_opening, waalwijk):
    bakery = EmployerFactory(
        trade_name="Bakkerij",
        postcode="5141 AA",
        municipality=waalwijk,
        story_what="Wij bakken brood en banket.",
    )
    OpeningFactory(
        employer=bakery, placement=True, title="Hulp in de bakkerij", competences=["bakken"]
    )
    far = EmployerFactory(trade_name="Ver weg", postcode="9711 AA", story_what="Machines repareren")
    OpeningFactory(employer=far, placement=True, title="Monteur", competences=["lassen"])
    cook = person(skills=["koken"], interests=["sleutelen aan brommers"], max_travel_km=15)

    openings = ranking.rank_openings_for_jobseeker(cook)
    titles = [m.opening.title for m in openings]
    assert "Monteur" not in titles
    assert set(titles) == {"Hulp in de bakkerij", "Ontwikkelplek werkplaats"}
    workshop = next(m for m in openings if m.opening == technical_opening)
    assert "sleutelen aan brommers (hobby) → techniek" in workshop.explanation

    companies = [m.employer for m in ranking.rank_employers_to_visit(cook)]
    assert technical_opening.employer in companies and far not in companies
