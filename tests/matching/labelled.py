"""A hand-labelled set for the matching engine: five openings of the region, a pool of twenty-five
job seekers, and for every opening the people a caseworker would propose, best first.

Every opening is ranked against the whole pool (5 x 25 = 125 labelled opening-person pairs: the
people listed under ``expected`` are relevant in that order, everyone else in the pool is not).
The stories are written the way employers write them: "begeleiding", "we zorgen voor",
"natuurlijk", "automatisch" and "onderhouden" appear where they say nothing about care, nature,
cars or technology. Everyone lives in Kaatsheuvel and works in Waalwijk, so distance, hours,
ladder step and consent do not decide anything here: only fit does.

Measured by precision at 5: of the first five people the engine ranks, how many a caseworker
would propose, divided by min(5, number of relevant people for that opening) so that an opening
with three good candidates can still score 1.0; averaged over the openings.
"""

from __future__ import annotations

from dataclasses import dataclass

from jobseekers.models import ConsentKind
from matching import ranking
from tests.employers.factories import EmployerFactory, OpeningFactory
from tests.jobseekers.factories import JobSeekerFactory


@dataclass(frozen=True)
class Person:
    name: str
    skills: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabelledOpening:
    key: str
    trade_name: str
    title: str
    story_what: str
    story_culture: str
    competences: tuple[str, ...]
    expected: tuple[str, ...]  # the relevant people, best first


PEOPLE = (
    Person("Fenna", skills=("fietsenmaker",), interests=("fietsen",)),
    Person("Bram", skills=("orderpicken",), interests=("sleutelen aan brommers",)),
    Person("Mo", skills=("autotechniek", "technisch inzicht")),
    Person("Tim", skills=("technisch inzicht",), interests=("klussen in huis",)),
    Person("Kees", skills=("schoonmaken",), interests=("klussen in huis", "houtbewerking")),
    Person("Zora", skills=("zorg", "begeleiden van cliënten")),
    Person("Ilse", skills=("ouderenzorg", "empathie")),
    Person("Petra", skills=("persoonlijke begeleiding", "luisteren")),
    Person("Kim", skills=("kinderopvang",)),
    Person("Wout", skills=("kassawerk",), interests=("fietsen", "wielrennen")),
    Person("Koen", skills=("koken", "hygiënisch werken")),
    Person("Bea", skills=("bakken",), interests=("koken",)),
    Person("Lotte", skills=("keukenhulp",)),
    Person("Henk", skills=("heftruck rijden", "orderpicken")),
    Person("Rita", skills=("reachtruck rijden",)),
    Person("Otto", skills=("orderpicker",)),
    Person("Chris", skills=("chauffeur", "rijbewijs B")),
    Person("Maaike", skills=("magazijnmedewerker",)),
    Person("Hugo", skills=("hovenier",)),
    Person("Tessa", skills=("kassawerk",), interests=("tuinieren",)),
    Person("Sven", skills=("snoeien",)),
    Person("Nina", skills=("administratie",), interests=("wandelen", "natuur")),
    Person("Gijs", skills=("programmeren",), interests=("gamen",)),
    Person("Anouk", skills=("administratie", "Excel")),
    Person("Dirk", skills=("inpakken",), interests=("dieren verzorgen",)),
)

OPENINGS = (
    LabelledOpening(
        key="fietsenwerkplaats",
        trade_name="Fietsenwerkplaats De Trapper",
        title="Ontwikkelplek fietsenwerkplaats",
        story_what="Wij repareren en onderhouden fietsen en e-bikes voor mensen uit de buurt.",
        story_culture=(
            "Iedereen krijgt begeleiding van een vaste werkmeester. We zorgen voor een rustige "
            "werkplek en natuurlijk staat de koffie klaar."
        ),
        competences=("rijwielhersteller", "technisch inzicht"),
        expected=("Fenna", "Mo", "Tim", "Bram", "Kees"),
    ),
    LabelledOpening(
        key="zorgcentrum",
        trade_name="Zorgcentrum De Lindehof",
        title="Ontwikkelplek dagbesteding",
        story_what="Verpleeghuis met honderdtwintig bewoners en dagbesteding voor ouderen.",
        story_culture="Wij zorgen met aandacht voor elkaar en voor onze bewoners.",
        competences=("ouderenzorg", "empathie"),
        expected=("Ilse", "Zora", "Petra", "Kim"),
    ),
    LabelledOpening(
        key="eetcafe",
        trade_name="Eetcafé De Vesting",
        title="Ontwikkelplek keuken",
        story_what=(
            "Eetcafé met lunch en diner; fietsers en wandelaars stoppen graag op ons terras."
        ),
        story_culture=(
            "Een klein team dat elkaar helpt; de vaatwasser doet automatisch het zware werk."
        ),
        competences=("koken", "hygiënisch werken"),
        expected=("Koen", "Bea", "Lotte"),
    ),
    LabelledOpening(
        key="magazijn",
        trade_name="Transportbedrijf Van Hulten",
        title="Ontwikkelplek magazijn",
        story_what=(
            "Vervoer en opslag voor webwinkels: wij zorgen dat pakketten op tijd bij de klant zijn."
        ),
        story_culture="Nieuwe collega's krijgen begeleiding van een vaste collega.",
        competences=("orderpicken", "heftruck rijden"),
        expected=("Henk", "Otto", "Bram", "Rita", "Maaike", "Chris"),
    ),
    LabelledOpening(
        key="hovenier",
        trade_name="Hoveniersbedrijf Groen Doen",
        title="Ontwikkelplek groenonderhoud",
        story_what="Wij leggen tuinen aan en onderhouden het groen voor gemeenten en bedrijven.",
        story_culture="Buiten aan het werk, met begeleiding op maat.",
        competences=("tuinonderhoud",),
        expected=("Hugo", "Sven", "Tessa"),
    ),
)

LABELLED_PAIRS = len(OPENINGS) * len(PEOPLE)


def build_world(waalwijk) -> dict[str, object]:
    """The pool and the openings in the database; returns the openings by key."""
    for p in PEOPLE:
        JobSeekerFactory(
            first_name=p.name,
            last_name=p.name,
            postcode="5171 AB",
            hours_available=24,
            max_travel_km=15,
            ladder_step=3,
            skills=list(p.skills),
            interests=list(p.interests),
            consents=[ConsentKind.SHARE_PROFILE],
        )
    openings = {}
    for o in OPENINGS:
        employer = EmployerFactory(
            trade_name=o.trade_name,
            postcode="5141 GD",
            city="Waalwijk",
            municipality=waalwijk,
            story_what=o.story_what,
            story_culture=o.story_culture,
        )
        openings[o.key] = OpeningFactory(
            employer=employer,
            placement=True,
            title=o.title,
            hours_per_week=16,
            competences=list(o.competences),
        )
    return openings


def ranked(opening) -> list[str]:
    return [m.jobseeker.first_name for m in ranking.rank_jobseekers_for_opening(opening)]


def precision_at_5(order: list[str], expected: tuple[str, ...]) -> float:
    relevant = set(expected)
    return sum(1 for name in order[:5] if name in relevant) / min(5, len(relevant))


def pairs_in_order(order: list[str], expected: tuple[str, ...]) -> float:
    """Share of the expected order's pairs (relevant a before relevant b) the ranking keeps;
    someone not ranked at all counts as last."""
    position = {name: i for i, name in enumerate(order)}
    pairs = [(a, b) for i, a in enumerate(expected) for b in expected[i + 1 :]]
    kept = sum(1 for a, b in pairs if position.get(a, len(order)) < position.get(b, len(order) + 1))
    return kept / len(pairs) if pairs else 1.0


def evaluate(openings) -> dict[str, object]:
    """Precision at 5 and order agreement per opening and on average."""
    per_opening = {}
    for o in OPENINGS:
        order = ranked(openings[o.key])
        per_opening[o.key] = {
            "top5": order[:5],
            "ranking": order,
            "p_at_5": precision_at_5(order, o.expected),
            "order": pairs_in_order(order, o.expected),
        }
    n = len(OPENINGS)
    return {
        "per_opening": per_opening,
        "p_at_5": sum(r["p_at_5"] for r in per_opening.values()) / n,
        "order": sum(r["order"] for r in per_opening.values()) / n,
    }
