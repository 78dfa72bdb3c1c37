"""The one scorer, without a database: score, explanation, reasons and gap from ids and names."""

from matching import weights
from matching.scoring import CompanyProfile, score_profile
from matching.themes import phrases_of, themes_of

TECHNICAL = CompanyProfile(
    sought=frozenset({1, 2}),
    valued=frozenset(),
    themes=frozenset({"technical"}),
    sought_names={1: "lassen", 2: "VCA"},
)
NAMES = {1: "lassen", 2: "VCA", 3: "koken", 4: "sleutelen aan brommers", 5: "handig"}


def test_score_profile_explains_and_states_the_gap_without_queries():
    fit = score_profile(
        company=TECHNICAL,
        skills={3},
        interests={4, 1},
        names=NAMES,
        distance_km=6.2,
        max_travel_km=15,
        hours=24,
    )
    assert (
        fit.explanation()
        == "koken, lassen (hobby), sleutelen aan brommers (hobby) → techniek; 6 km; 24 uur beschikbaar"
    )
    assert fit.gap == ["VCA"]
    assert 0 < fit.score <= 100


def test_the_same_fit_as_a_visits_reasons():
    company = CompanyProfile(
        sought=frozenset({1}),
        valued=frozenset(),
        themes=frozenset({"technical"}),
        sought_names={1: "lassen"},
        phrases=phrases_of("Wij zoeken handig volk."),
    )
    fit = score_profile(
        company=company,
        skills={1, 5},
        interests={4},
        names=NAMES,
        distance_km=7.4,
        max_travel_km=15,
    )
    assert fit.reasons() == [
        "Vaardigheden die het bedrijf zoekt: lassen",
        "Genoemd in het bedrijfsverhaal: handig",
        "Past bij wat het bedrijf doet: sleutelen aan brommers (hobby) → techniek",
        "Woont op ongeveer 7 km (reist maximaal 15 km)",
    ]


def test_skills_weigh_more_than_hobbies_and_nearness_counts():
    def score(**kwargs):
        base = {"skills": set(), "interests": set(), "distance_km": 10, "max_travel_km": 15}
        return score_profile(company=TECHNICAL, names=NAMES, **{**base, **kwargs}).score

    assert score(skills={1}) > score(interests={1}) > score(interests={3})
    assert score(skills={1}, distance_km=1) > score(skills={1}, distance_km=14)
    # All sought, the company's one theme shared, next door: everything but the valued part.
    assert score(skills={1, 2}, distance_km=0) == (
        weights.WEIGHT_SOUGHT + weights.WEIGHT_THEMES + weights.WEIGHT_DISTANCE
    )


def test_a_click_adds_the_bonus_and_is_said_first():
    plain = score_profile(
        company=TECHNICAL,
        skills={1},
        interests=set(),
        names=NAMES,
        distance_km=None,
        max_travel_km=None,
    )
    clicked = score_profile(
        company=TECHNICAL,
        skills={1},
        interests=set(),
        names=NAMES,
        distance_km=None,
        max_travel_km=None,
        clicked=True,
    )
    assert clicked.score == plain.score + weights.CLICK_BONUS
    assert clicked.explanation().startswith("klik tijdens een bedrijfsbezoek; lassen")


def test_themes_and_phrases():
    assert themes_of("sleutelen aan brommers") == {"technical"}
    assert themes_of("zingen") == frozenset()
    assert {"koken", "elke vrijdag"} <= phrases_of("Wij koken elke vrijdag samen.")
