"""The one scorer, without a database: score, explanation, reasons and gap from ids, with a
small vocabulary in memory."""

from matching import weights
from matching.concepts import Vocabulary
from matching.scoring import CompanyProfile, score_profile

TECHNIEK, SLEUTELEN, ZORG = 100, 101, 102
# (id, name, synonyms, field of work)
ROWS = [
    (1, "lassen", ["lasser"], False),
    (2, "VCA", [], False),
    (3, "koken", [], False),
    (4, "sleutelen aan brommers", [], False),
    (5, "handig", [], False),
    (6, "rijwielhersteller", [], False),  # typed by a caseworker
    (7, "fietsenmaker", ["rijwielhersteller"], False),
    (8, "reachtruck rijden", [], False),
    (9, "heftruck rijden", [], False),
    (10, "ouderenzorg", [], False),
    (11, "cliëntbegeleiding", ["persoonlijke begeleiding"], False),
    (TECHNIEK, "techniek", [], True),
    (SLEUTELEN, "sleutelen", [], False),
    (ZORG, "zorg", [], True),
]
BROADER = [
    (1, TECHNIEK),
    (4, SLEUTELEN),
    (7, SLEUTELEN),
    (SLEUTELEN, TECHNIEK),
    (8, 9),
    (10, ZORG),
    (11, ZORG),
]
VOCABULARY = Vocabulary.from_rows(ROWS, BROADER)


def company(sought=(), valued=(), story="", vocabulary=VOCABULARY):
    named = vocabulary.concepts_in(story)
    wanted = set(sought) | set(valued)
    themes = set()
    for s in wanted:
        themes |= vocabulary.themes(s)
    for c in named:
        themes |= vocabulary.themes_of_concept(c)
    return CompanyProfile(
        sought=frozenset(sought),
        valued=frozenset(valued),
        themes=frozenset(themes),
        vocabulary=vocabulary,
        sought_names={s: vocabulary.names[s] for s in sought},
        named=named,
    )


TECHNICAL = company(sought={1, 2})


def test_score_profile_explains_and_states_the_gap_without_queries():
    fit = score_profile(
        company=TECHNICAL,
        skills={3},
        interests={4, 1},
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
    fit = score_profile(
        company=company(sought={1}, story="Wij zoeken handig volk."),
        skills={1, 5},
        interests={4},
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
        return score_profile(company=TECHNICAL, **{**base, **kwargs}).score

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
        distance_km=None,
        max_travel_km=None,
    )
    clicked = score_profile(
        company=TECHNICAL,
        skills={1},
        interests=set(),
        distance_km=None,
        max_travel_km=None,
        clicked=True,
    )
    assert clicked.score == plain.score + weights.CLICK_BONUS
    assert clicked.explanation().startswith("klik tijdens een bedrijfsbezoek; lassen")


def test_relations_between_words():
    relation = VOCABULARY.relation
    assert relation(1, 1) == "exact"
    assert relation(6, 7) == relation(7, 6) == "synonym"
    assert relation(8, 9) == "narrower" and relation(4, TECHNIEK) == "narrower"
    assert relation(ZORG, 10) == "broader"
    # Only the direct broader term counts: "techniek" says too little about "sleutelen aan
    # brommers"; and words that merely share a field are not related (they share a theme).
    assert relation(TECHNIEK, 4) is None and relation(3, 1) is None and relation(4, 7) is None
    assert VOCABULARY.themes(4) == {TECHNIEK} and VOCABULARY.themes(3) == frozenset()


def test_words_in_a_story_count_as_whole_concepts_only():
    story = (
        "Wij repareren fietsen. Iedereen krijgt begeleiding en we zorgen voor een rustige "
        "werkplek; de lasserij is nieuw."
    )
    # Neither "begeleiding" nor "zorgen" is a concept; "lasserij" is not "lasser".
    assert VOCABULARY.concepts_in(story) == frozenset()
    assert VOCABULARY.concepts_in("Een ervaren lasser, persoonlijke begeleiding") == {1, 11}
    assert VOCABULARY.concepts_in("Cliënten-begeleiding") == frozenset()
    assert VOCABULARY.concepts_in("Wij zoeken een CLIENTBEGELEIDING-expert") == {11}


def test_a_synonym_counts_almost_fully_and_is_explained():
    workshop = company(sought={6})  # the employer typed "rijwielhersteller"
    fenna = score_profile(
        company=workshop, skills={7}, interests=set(), distance_km=None, max_travel_km=None
    )
    exact = score_profile(
        company=workshop, skills={6}, interests=set(), distance_km=None, max_travel_km=None
    )
    assert fenna.explanation() == "fietsenmaker (synoniem van rijwielhersteller) → techniek"
    assert "Past bij wat het bedrijf zoekt: fietsenmaker (synoniem van rijwielhersteller)" in (
        fenna.reasons()
    )
    assert fenna.gap == [] and 0 < exact.score - fenna.score <= 3


def test_narrower_and_broader_count_less_and_the_broader_term_leaves_a_gap():
    def fit(sought, skills, interests=()):
        return score_profile(
            company=company(sought={sought}),
            skills=set(skills),
            interests=set(interests),
            distance_km=None,
            max_travel_km=None,
        )

    exact, narrower = fit(9, {9}), fit(9, {8})
    assert exact.score > narrower.score > 0 and narrower.gap == []
    assert narrower.explanation() == "reachtruck rijden (valt onder heftruck rijden)"
    broader = fit(10, {ZORG})
    assert 0 < broader.score < fit(10, {10}).score and broader.gap == ["ouderenzorg"]
    assert broader.explanation() == "zorg (breder dan ouderenzorg) → zorg"
    assert fit(9, (), {8}).explanation() == "reachtruck rijden (hobby, valt onder heftruck rijden)"


def test_begeleiding_in_a_workshops_story_does_not_make_carers_fit():
    workshop = company(
        sought={7}, story="Iedereen krijgt begeleiding van een werkmeester; we zorgen voor koffie."
    )
    assert workshop.themes == {TECHNIEK}
    carer = score_profile(
        company=workshop, skills={10, 11}, interests=set(), distance_km=None, max_travel_km=None
    )
    assert carer.score == 0 and carer.explanation() == ""
    assert not workshop.touches(10) and not workshop.touches(11)
