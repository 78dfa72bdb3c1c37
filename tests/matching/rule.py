"""The matching rule restated from its definitions, for tests: whom a ranking must show, in
which order, with which scores."""

from baanbrekers import geo
from jobseekers.models import JobSeeker
from matching.scoring import relevant_skill_ids, score_profile


def rule_ranking(company, search, *, base=None, clicked=frozenset(), limit=50):
    """Everyone the rule admits, scored in Python, best first: (id, score) pairs. Written from
    the definitions (querysets of ``jobseekers``, ``geo``, ``score_profile``), not from the
    candidate SQL, so that it can disagree with it."""
    relevant = relevant_skill_ids(company)
    people = (
        (base if base is not None else JobSeeker.objects.all())
        .looking_for_work()
        .consenting_to(search.consent, until=search.consent_until)
        .filter(ladder_step__in=list(search.ladder_steps))
        .prefetch_related("skills", "interests")
    )
    work = geo.area(search.work_postcode)
    scored = []
    for person in people:
        if search.min_hours and person.hours_available < search.min_hours:
            continue
        skills = {s.pk for s in person.skills.all()}
        interests = {s.pk for s in person.interests.all()}
        if not (skills | interests) & relevant:
            continue
        home = geo.area(person.postcode)
        if home is None or work is None:
            if not search.keep_unknown_distance:
                continue
            distance = None
        else:
            distance = geo.haversine_km(home.lat, home.lon, work.lat, work.lon)
            if distance > person.max_travel_km:
                continue
        fit = score_profile(
            company=company,
            skills=skills,
            interests=interests,
            distance_km=distance,
            max_travel_km=person.max_travel_km,
            hours=person.hours_available if search.show_hours else None,
            clicked=person.pk in clicked,
        )
        scored.append(
            (
                -fit.score,
                distance if distance is not None else float("inf"),
                person.last_name,
                person.pk,
            )
        )
    return [(pk, -score) for score, _d, _name, pk in sorted(scored)[:limit]]
