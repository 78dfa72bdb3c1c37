"""The engine's constants in one place: how much each kind of fit weighs, and the distance bands.

These tune the ranking; they are not policy limits (those live in settings)."""

from __future__ import annotations

from employers.models import OpeningKind

# Points out of 100. Competences sought by an opening weigh most; without an opening (a visit,
# a company for a job seeker) the sought part is usually empty and scores run lower.
WEIGHT_SOUGHT = 45
WEIGHT_VALUED = 15
WEIGHT_THEMES = 30
WEIGHT_DISTANCE = 10

# How much of a wanted competence a person's word covers, by how the two relate in the
# vocabulary (``concepts``): the very word, another word for the same concept, something more
# specific (a reachtruck driver for "heftruck rijden"), or the direct broader term (someone in
# "zorg" for "ouderenzorg"). Words related in no such way cover nothing; a shared field of work
# counts under WEIGHT_THEMES instead.
MATCH_EXACT = 1.0
MATCH_SYNONYM = 0.95
MATCH_NARROWER = 0.7
MATCH_BROADER = 0.4

# A hobby covers a competence for this share of a skill.
HOBBY_FACTOR = 0.6
# A theme reached only through a hobby counts for this share of one reached through a skill.
HOBBY_THEME_FACTOR = 0.7
# Sharing this many themes with the company gives the full theme points.
THEMES_FOR_FULL_POINTS = 2

# A click with the company during a visit (mutual interest noted in the report) lifts a person.
CLICK_BONUS = 15
# Companies to visit for a job seeker: below this score the fit is too thin to suggest.
MIN_VISIT_SCORE = 10

# Which steps of the participation ladder (1 isolated … 6 paid work) fit which kind of opening.
ALL_LADDER_STEPS = (1, 2, 3, 4, 5, 6)
LADDER_STEPS_BY_KIND = {
    OpeningKind.VACANCY: (4, 5, 6),
    OpeningKind.PLACEMENT: (2, 3, 4, 5),
    OpeningKind.BUDDY: (1, 2, 3, 4, 5),
    OpeningKind.VISIT_HOST: (2, 3, 4, 5, 6),
}

# Distances are tested in SQL per band: a person in a band is kept when their own maximum
# reaches the band's lower edge; Python then makes it exact. Bands keep the SQL small.
DISTANCE_BANDS_KM = (0, 3, 6, 10, 15, 20, 30, 40, 60, 80, 120, 200)
MAX_SEARCH_KM = DISTANCE_BANDS_KM[-1]
