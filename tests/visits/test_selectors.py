import datetime

from baanbrekers.services import skills_from_names
from tests.employers.factories import OpeningFactory
from tests.jobseekers.factories import JobSeekerFactory
from visits import services
from visits.selectors import agenda_range, visit_suggestions


def test_suggestions_rank_by_fit_and_distance_with_reasons(visit, caseworker_heusden, waalwijk):
    baking, welding, cooking = skills_from_names(["bakken", "lassen", "koken"])
    visit.employer.valued_skills.add(baking)
    OpeningFactory(employer=visit.employer).competences.add(welding)
    visit.employer.story_culture = "Wij koken elke vrijdag samen."
    visit.employer.save()

    skilled = JobSeekerFactory(joins_visits=True, first_name="Skilled", postcode="5211 AB")  # ~7 km
    skilled.skills.add(baking, welding)
    hobbyist = JobSeekerFactory(
        joins_visits=True, first_name="Hobbyist", postcode="5261 AB"
    )  # ~8 km
    hobbyist.interests.add(baking)
    story_fit = JobSeekerFactory(joins_visits=True, first_name="Storyfit", postcode="5251 CD")
    story_fit.interests.add(cooking)
    too_far = JobSeekerFactory(
        joins_visits=True, first_name="Far", postcode="9711 AB", max_travel_km=30
    )
    too_far.skills.add(baking)
    no_consent = JobSeekerFactory(first_name="Noconsent")
    no_consent.skills.add(baking)
    other_region = JobSeekerFactory(
        joins_visits=True, first_name="Elsewhere", municipality=waalwijk
    )
    other_region.skills.add(baking)
    unrelated = JobSeekerFactory(joins_visits=True, first_name="Unrelated")
    unrelated.skills.add(*skills_from_names(["boekhouden"]))
    signed_up = JobSeekerFactory(joins_visits=True, first_name="Already")
    signed_up.skills.add(baking)
    services.visit_jobseeker_sign_up(
        visit=visit, jobseeker=signed_up, signed_up_by=caseworker_heusden
    )

    suggestions = visit_suggestions(visit=visit, user=caseworker_heusden)
    assert [s.jobseeker.first_name for s in suggestions] == ["Skilled", "Hobbyist", "Storyfit"]
    skilled_reasons = " | ".join(suggestions[0].reasons)
    assert "Vaardigheden die het bedrijf zoekt: bakken, lassen" in skilled_reasons
    assert "Woont op ongeveer 7 km (reist maximaal 15 km)" in skilled_reasons
    assert "Interesses en hobby's die passen: bakken" in suggestions[1].reasons
    assert "Genoemd in het bedrijfsverhaal: koken" in suggestions[2].reasons


def test_no_suggestions_when_the_company_asks_for_nothing_known(visit, caseworker_heusden):
    visit.employer.story_what = ""
    visit.employer.save()
    visit.employer.sector = None
    visit.employer.save()
    JobSeekerFactory(joins_visits=True).skills.add(*skills_from_names(["bakken"]))
    assert visit_suggestions(visit=visit, user=caseworker_heusden) == []


def test_agenda_ranges():
    wednesday = datetime.date(2026, 11, 25)
    week = agenda_range("week", wednesday)
    assert (week.start, week.end) == (datetime.date(2026, 11, 23), datetime.date(2026, 11, 30))
    month = agenda_range("month", wednesday)
    assert month.start == datetime.date(2026, 10, 26)  # the Monday before 1 November
    assert month.end == datetime.date(2026, 12, 7)
    assert len(month.days) % 7 == 0
    assert month.next == datetime.date(2026, 12, 1) and month.previous == datetime.date(2026, 10, 1)
