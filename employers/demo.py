"""Demo employers: about sixty invented companies in Heusden, Loon op Zand and Waalwijk.

Everything here is synthetic: the firms, people, KvK numbers and phone numbers are made up (KvK
numbers start with 9 and are derived from the name, so they are stable between runs). The
Langstraat (Waalwijk, Kaatsheuvel, Sprang-Capelle) is shoe and leather country, Kaatsheuvel has
its theme park and the hospitality around it, Heusden its fortified town, nurseries and
transport along the Maas: the stories follow the region.

Idempotent on natural keys (KvK number; employer + name for contacts and openings) and quick:
a fixed number of queries, whatever the number of employers. Gives later apps
``ctx.extra["employers"]`` (list, in a stable order), ``ctx.extra["openings"]`` and
``ctx.extra["sectors"]`` (by SBI code), and ``ctx.extra["demo_employer"]``: the company of the demo
employer contact (employer@example.org).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from baanbrekers.demo import DemoContext
from baanbrekers.models import Role
from baanbrekers.services import skills_from_names

from .models import (
    ContactKind,
    ContactMoment,
    Employer,
    EmployerContact,
    EmployerStatus,
    Opening,
    OpeningKind,
    Sector,
    SizeClass,
)

SECTIONS = {
    "A": "Landbouw, bosbouw en visserij",
    "B": "Delfstoffenwinning",
    "C": "Industrie",
    "D": "Energievoorziening",
    "E": "Winning en distributie van water; afval- en afvalwaterbeheer en sanering",
    "F": "Bouwnijverheid",
    "G": "Groot- en detailhandel; reparatie van auto's",
    "H": "Vervoer en opslag",
    "I": "Logies-, maaltijd- en drankverstrekking",
    "J": "Informatie en communicatie",
    "K": "Financiële instellingen",
    "L": "Verhuur van en handel in onroerend goed",
    "M": "Advisering, onderzoek en overige specialistische zakelijke dienstverlening",
    "N": "Verhuur van roerende goederen en overige zakelijke dienstverlening",
    "O": "Openbaar bestuur, overheidsdiensten en verplichte sociale verzekeringen",
    "P": "Onderwijs",
    "Q": "Gezondheids- en welzijnszorg",
    "R": "Cultuur, sport en recreatie",
    "S": "Overige dienstverlening",
    "T": "Huishoudens als werkgever",
    "U": "Extraterritoriale organisaties en lichamen",
}

FINER = {
    "01.13": ("A", "Teelt van groenten en wortel- en knolgewassen"),
    "10.71": ("C", "Vervaardiging van brood en vers banketbakkerswerk"),
    "15.12": ("C", "Vervaardiging van koffers, tassen en lederwaren"),
    "15.20": ("C", "Vervaardiging van schoenen"),
    "18.12": ("C", "Drukkerijen"),
    "25.62": ("C", "Algemene metaalbewerking"),
    "38.32": ("E", "Voorbereiding tot recycling"),
    "41.20": ("F", "Algemene burgerlijke en utiliteitsbouw"),
    "43.22": ("F", "Installatie van sanitair, verwarming en luchtbehandeling"),
    "45.20": ("G", "Reparatie en onderhoud van personenauto's"),
    "47.11": ("G", "Supermarkten en dergelijke winkels"),
    "47.76": ("G", "Winkels in bloemen, planten, zaden en tuinbenodigdheden"),
    "49.41": ("H", "Goederenvervoer over de weg"),
    "52.10": ("H", "Opslag"),
    "55.10": ("I", "Hotels"),
    "56.10": ("I", "Restaurants"),
    "62.01": ("J", "Ontwikkelen, produceren en uitgeven van software"),
    "81.21": ("N", "Interieurreiniging van gebouwen"),
    "81.30": ("N", "Hoveniers"),
    "87.10": ("Q", "Verpleeghuizen"),
    "93.21": ("R", "Pret- en themaparken"),
    "96.02": ("S", "Haar- en schoonheidsverzorging"),
}

# Places per municipality, with the first two digits of their postcodes.
PLACES = {
    "GM0797": [
        ("Vlijmen", "5251"),
        ("Drunen", "5151"),
        ("Heusden", "5256"),
        ("Nieuwkuijk", "5253"),
        ("Haarsteeg", "5254"),
        ("Elshout", "5154"),
        ("Oudheusden", "5156"),
    ],
    "GM0809": [("Kaatsheuvel", "5171"), ("Loon op Zand", "5175"), ("De Moer", "5176")],
    "GM0867": [("Waalwijk", "5141"), ("Sprang-Capelle", "5161"), ("Waspik", "5165")],
}
STREETS = [
    "Industrieweg",
    "Ambachtsweg",
    "Grotestraat",
    "Kerkstraat",
    "Nieuwe Vaart",
    "Hoofdstraat",
    "Havenweg",
    "Bedrijvenpark Haven",
    "Leerlooierstraat",
    "Schoenmakerstraat",
    "Maasdijk",
    "Molenstraat",
]
LETTERS = "ABCDEGHJKLMNPRTVWXZ"
FIRST_NAMES = [
    "Anouk",
    "Bas",
    "Carla",
    "Daan",
    "Els",
    "Frank",
    "Gerda",
    "Hans",
    "Ingrid",
    "Joost",
    "Kim",
    "Luuk",
    "Marieke",
    "Niels",
    "Oscar",
    "Petra",
    "Ruud",
    "Sanne",
    "Tom",
    "Wendy",
    "Yusuf",
    "Zeynep",
    "Mehmet",
    "Priya",
]
LAST_NAMES = [
    "van den Berg",
    "de Bruijn",
    "Verhoeven",
    "van Dongen",
    "Smulders",
    "van Hulten",
    "Timmermans",
    "de Jong",
    "Pijnenburg",
    "van der Heijden",
    "Kivits",
    "Schoenmakers",
    "van Esch",
    "Rovers",
    "Bakker",
    "Hoefnagels",
    "Yilmaz",
    "de Wit",
]
CONTACT_ROLES = ["eigenaar", "HR-adviseur", "bedrijfsleider", "productieleider", "directeur"]


@dataclass
class Kind:
    """One kind of company of the region, with the story its three demo firms share."""

    sector: str
    size: str
    names: list[tuple[str, str]]  # (trade name, municipality code)
    what: str
    passion: str
    culture: str
    views: str
    values: str
    skills: list[str]
    openings: list[tuple[str, str, str, list[str], int]] = field(default_factory=list)


KINDS = [
    Kind(
        "10.71",
        SizeClass.SMALL,
        [
            ("Bakkerij Van Gils", "GM0797"),
            ("Warme Bakker De Korenaar", "GM0809"),
            ("Banketbakkerij Smulders", "GM0867"),
        ],
        "Ambachtelijke bakkerij met een eigen winkel en levering aan restaurants en zorginstellingen in de omgeving. Elke nacht gaan er zo'n veertig soorten brood de oven in.",
        "Brood zoals het hoort: met tijd, zuurdesem en meel van de molen uit de buurt. De eigenaar bakt in de derde generatie en wil dat ook de vierde generatie klanten nog weet hoe echt brood smaakt.",
        "Klein team, vroeg beginnen, veel humor in de bakkerij. Nieuwe mensen lopen eerst een paar weken mee met een ervaren bakker. Fouten maken mag, als je er maar van leert.",
        "Ziet dat jonge mensen niet meer voor het bakkersvak kiezen en dat energieprijzen knellen. Investeert in een zuinigere oven en wil zij-instromers zelf opleiden.",
        "Betrouwbaarheid en vroeg op kunnen staan zijn belangrijker dan diploma's. Wie met zijn handen wil werken en hygiënisch is, kan het vak leren.",
        [
            "bakken",
            "betrouwbaar",
            "vroeg op kunnen",
            "hygiënisch werken",
            "handvaardigheid",
            "klantcontact",
        ],
        [
            (
                OpeningKind.PLACEMENT,
                "Ontwikkelplek bakkerij",
                "Meedraaien in de nachtploeg: deeg maken, vormen en afbakken onder begeleiding van de meesterbakker.",
                ["bakken", "handvaardigheid", "hygiënisch werken", "vroeg op kunnen"],
                24,
            ),
            (
                OpeningKind.VACANCY,
                "Verkoopmedewerker winkel",
                "Klanten helpen in de winkel op zaterdag en in de vakanties.",
                ["klantcontact", "kassawerk", "Nederlands spreken"],
                16,
            ),
        ],
    ),
    Kind(
        "15.20",
        SizeClass.MEDIUM,
        [
            ("Schoenfabriek Hoefnagels", "GM0867"),
            ("Langstraat Footwear", "GM0867"),
            ("Schoenfabriek Van der Heijden", "GM0809"),
        ],
        "Maakt herenschoenen en werkschoenen, van het snijden van het leer tot de laatste poetsbeurt. Een van de laatste schoenfabrieken in de Langstraat die nog in Nederland produceert.",
        "De Langstraat was ooit het hart van de Nederlandse schoenindustrie. De familie wil laten zien dat vakmanschap hier nog steeds bestaat en dat een goede schoen een leven lang mee kan.",
        "Oudgedienden en jonge mensen werken zij aan zij aan de lopende band. Er wordt veel uitgelegd en voorgedaan; wie een machine beheerst, leert de volgende.",
        "Goedkope import heeft veel gekost, maar duurzame, repareerbare schoenen zijn weer in trek. De fabriek zoekt mensen die het vak willen leren voordat de oude garde met pensioen gaat.",
        "Precisie, geduld en oog voor detail. Wie een puzzel of een modelbouwpakket graag afmaakt, heeft vaak precies wat nodig is.",
        ["leer bewerken", "productiewerk", "precisie", "geduld", "oog voor detail"],
        [
            (
                OpeningKind.PLACEMENT,
                "Leerwerkplek stikafdeling",
                "Leren stikken op de industriële naaimachine; na drie maanden zelfstandig bovenwerk afwerken.",
                ["naaien", "leer bewerken", "precisie", "geduld"],
                32,
            ),
            (
                OpeningKind.VISIT_HOST,
                "Rondleiding door de fabriek",
                "Een ochtend meekijken van snijkamer tot inpakafdeling, voor groepen tot tien mensen.",
                [],
                4,
            ),
        ],
    ),
    Kind(
        "15.12",
        SizeClass.MICRO,
        [
            ("Lederatelier De Looierij", "GM0867"),
            ("Tassenmakerij Capelle", "GM0867"),
            ("Leder & Draad", "GM0809"),
        ],
        "Klein atelier dat tassen, riemen en portemonnees maakt van restleer uit de schoenindustrie. Verkoopt online en aan conceptstores.",
        "Niets weggooien: leer dat anders bij het afval belandt, krijgt hier een tweede leven. De oprichter begon aan de keukentafel en heeft nu een eigen werkplaats.",
        "Rustige werkplaats met muziek, korte lijnen, iedereen doet van alles: van snijden tot inpakken en verzenden.",
        "Circulair werken is geen trend maar noodzaak. Het atelier wil groeien, maar alleen als het ambacht overeind blijft.",
        "Creativiteit en zorgvuldigheid. Ervaring met naaien, handwerken of knutselen is mooi meegenomen.",
        ["leer bewerken", "naaien", "creatief", "zorgvuldig"],
        [
            (
                OpeningKind.BUDDY,
                "Maatje uit het ambacht",
                "De eigenaar wil iemand die een eigen bedrijfje wil beginnen een half jaar begeleiden.",
                ["ondernemend", "creatief"],
                2,
            ),
        ],
    ),
    Kind(
        "25.62",
        SizeClass.SMALL,
        [
            ("Metaalbewerking Van Dongen", "GM0797"),
            ("Lasbedrijf De Vonk", "GM0867"),
            ("Constructiebedrijf Kivits", "GM0809"),
        ],
        "Las- en constructiewerk voor machinebouwers, agrariërs en de bouw: trappen, bordessen, frames en reparaties op locatie.",
        "Maatwerk waar een ander nee zegt. De eigenaar begon als lasser en kent elke klant bij naam.",
        "Een hechte ploeg in overall, direct in de omgang. Veiligheid staat voorop; wie twijfelt, vraagt het.",
        "Automatisering met lasrobots komt eraan, maar vakmensen die tekeningen lezen en zelf kunnen nadenken blijven nodig.",
        "Technisch inzicht en aanpakken. Een lasdiploma is niet nodig; dat betaalt het bedrijf.",
        ["technisch inzicht", "lassen", "tekening lezen", "veilig werken", "aanpakken"],
        [
            (
                OpeningKind.VACANCY,
                "Leerling-lasser",
                "Opleiding tot MIG/MAG-lasser in de eigen werkplaats, met een vast contract in het vooruitzicht.",
                ["technisch inzicht", "lassen", "veilig werken"],
                38,
            ),
            (
                OpeningKind.PLACEMENT,
                "Ontwikkelplek werkplaats",
                "Meewerken in de werkplaats: zagen, boren, slijpen en de voorbereiding van laswerk.",
                ["aanpakken", "technisch inzicht"],
                32,
            ),
        ],
    ),
    Kind(
        "49.41",
        SizeClass.MEDIUM,
        [
            ("Transportbedrijf Van Hulten", "GM0797"),
            ("Langstraat Logistiek", "GM0867"),
            ("Distributiecentrum Haven Waalwijk", "GM0867"),
        ],
        "Vervoer en opslag voor webwinkels en groothandels: een magazijn met twintigduizend palletplaatsen en een eigen vloot van veertig vrachtwagens.",
        "Op tijd leveren, elke dag weer. Het bedrijf groeide uit een eenmanszaak met één vrachtwagen langs de Maas.",
        "Ploegendiensten, duidelijke afspraken en een kantine waar iedereen samen luncht. Er werken mensen van elf nationaliteiten.",
        "E-commerce groeit, chauffeurs en orderpickers zijn schaars. Het bedrijf investeert in elektrische trucks en in het opleiden van eigen heftruckchauffeurs.",
        "Punctualiteit, fysieke fitheid en samenwerken. Nederlands op basisniveau is genoeg om te starten.",
        [
            "orderpicken",
            "heftruck rijden",
            "chauffeur",
            "magazijnbeheer",
            "punctueel",
            "fysiek fit",
        ],
        [
            (
                OpeningKind.VACANCY,
                "Orderpicker dagdienst",
                "Orders verzamelen met een scanner, met opleiding tot reachtruckchauffeur.",
                ["orderpicken", "punctueel", "fysiek fit"],
                36,
            ),
            (
                OpeningKind.PLACEMENT,
                "Ontwikkelplek magazijn",
                "Drie maanden meedraaien in het magazijn, inclusief heftruckcertificaat.",
                ["heftruck rijden", "samenwerken"],
                28,
            ),
        ],
    ),
    Kind(
        "87.10",
        SizeClass.LARGE,
        [
            ("Zorgcentrum De Lindehof", "GM0797"),
            ("Woonzorgcentrum Het Klooster", "GM0809"),
            ("Zorgvilla De Heerlijkheid", "GM0867"),
        ],
        "Verpleeghuis met honderdtwintig bewoners, dagbesteding voor ouderen uit het dorp en een restaurant dat open is voor iedereen.",
        "Bewoners moeten zich thuis voelen. Kleine dingen maken het verschil: een wandeling, een spelletje, iemand die de tijd neemt.",
        "Warm en betrokken, met veel vrijwilligers. Er is ruimte voor mensen die niet in de zorg zelf werken, maar wel iets willen betekenen.",
        "De vergrijzing zet de zorg onder druk. Het zorgcentrum zet in op welzijnsmedewerkers en gastvrouwen naast verzorgenden, zodat zorgpersoneel zorg kan geven.",
        "Geduld, empathie en goed kunnen luisteren. Ervaring met mantelzorg telt ook.",
        ["zorg", "empathie", "geduld", "luisteren", "gastvrij"],
        [
            (
                OpeningKind.VACANCY,
                "Gastvrouw/gastheer restaurant",
                "Bewoners en bezoekers ontvangen, koffie en maaltijden serveren.",
                ["gastvrij", "empathie"],
                20,
            ),
            (
                OpeningKind.BUDDY,
                "Maatje voor een nieuwe collega",
                "Een ervaren medewerker begeleidt iemand die na lange tijd weer aan het werk gaat.",
                ["luisteren"],
                2,
            ),
        ],
    ),
    Kind(
        "47.76",
        SizeClass.SMALL,
        [
            ("Tuincentrum De Groene Vingers", "GM0797"),
            ("Tuincentrum Haarsteeg", "GM0797"),
            ("Kwekerij en Tuincentrum De Hoeve", "GM0809"),
        ],
        "Tuincentrum met een eigen kwekerij voor vaste planten, een dierenafdeling en een kerstshow die mensen uit de hele regio trekt.",
        "Mensen laten genieten van hun tuin, ook op een balkon van vier vierkante meter.",
        "Seizoenswerk: in het voorjaar en rond kerst alle hens aan dek. Medewerkers rouleren tussen kassa, kwekerij en buitenterrein.",
        "Klanten willen duurzame tuinen met inheemse planten. Het tuincentrum geeft workshops en zoekt mensen met liefde voor groen.",
        "Klantvriendelijkheid en interesse in planten; een eigen moestuin of groene vingers als hobby is een pré.",
        ["klantcontact", "tuinieren", "fysiek fit", "flexibel"],
        [
            (
                OpeningKind.VACANCY,
                "Medewerker buitenterrein voorjaar",
                "Planten verzorgen, klanten adviseren en de buitenafdeling op orde houden.",
                ["tuinieren", "klantcontact"],
                32,
            ),
        ],
    ),
    Kind(
        "93.21",
        SizeClass.LARGE,
        [
            ("Parkhotel De Loonse Duinen", "GM0809"),
            ("Restaurant Het Duinhuis", "GM0809"),
            ("Horecaservice Parkpoort Kaatsheuvel", "GM0809"),
        ],
        "Hotel, restaurants en catering naast het attractiepark in Kaatsheuvel, met op topdagen duizenden gasten die eten, slapen en feestvieren.",
        "Gasten een dag laten beleven die ze nooit vergeten. Van de schoonmaak tot de kok hoort iedereen bij de show.",
        "Jong, internationaal en gastvrij. Er is een eigen opleidingsteam en veel doorgroeimogelijkheden.",
        "De seizoenen worden langer en het park trekt het hele jaar bezoekers. Het bedrijf wil minder afhankelijk zijn van uitzendkrachten en meer vaste mensen uit de regio.",
        "Gastvrijheid, een glimlach en flexibiliteit in weekenden en vakanties. Talen spreken is mooi, maar geen eis.",
        ["horeca bediening", "koken", "gastvrij", "flexibel", "stressbestendig"],
        [
            (
                OpeningKind.VACANCY,
                "Medewerker bediening",
                "Bedienen in het restaurant, in het hoogseizoen ook op de terrassen.",
                ["horeca bediening", "gastvrij", "stressbestendig"],
                32,
            ),
            (
                OpeningKind.PLACEMENT,
                "Ontwikkelplek keuken",
                "Leren in een grootkeuken: voorbereiden, koken en de afwas, met een vaste begeleider.",
                ["koken", "samenwerken", "hygiënisch werken"],
                30,
            ),
            (
                OpeningKind.VISIT_HOST,
                "Kijkje achter de schermen",
                "Een rondleiding door keuken, hotel en opleidingscentrum.",
                [],
                3,
            ),
        ],
    ),
    Kind(
        "62.01",
        SizeClass.SMALL,
        [
            ("Codewerk Waalwijk", "GM0867"),
            ("Datahaven Drunen", "GM0797"),
            ("Pixelsmederij", "GM0809"),
        ],
        "Softwarebedrijf dat planningssystemen bouwt voor transport- en productiebedrijven in Brabant.",
        "Software die echt gebruikt wordt op de werkvloer, niet alleen op kantoor. De oprichters komen zelf uit een familiebedrijf in de logistiek.",
        "Informeel, thuiswerken kan, vrijdagmiddag samen lunchen. Neurodiversiteit wordt gezien als kracht.",
        "Er is een groot tekort aan ontwikkelaars. Het bedrijf leidt liever zelf mensen op met een technische hobby dan eindeloos te zoeken naar senioren.",
        "Logisch denken en nieuwsgierigheid. Wie thuis computers bouwt, games modt of met Excel-macro's speelt, is welkom.",
        ["logisch denken", "nieuwsgierig", "programmeren", "zelfstandig", "Engels"],
        [
            (
                OpeningKind.PLACEMENT,
                "Ontwikkelplek testen",
                "Software testen en fouten vastleggen, met een cursus programmeren erbij.",
                ["logisch denken", "nauwkeurig", "computervaardig"],
                24,
            ),
        ],
    ),
    Kind(
        "41.20",
        SizeClass.MEDIUM,
        [
            ("Bouwbedrijf Van Esch", "GM0797"),
            ("Aannemersbedrijf De Fundering", "GM0867"),
            ("Bouwcombinatie Langstraat", "GM0809"),
        ],
        "Bouwt woningen, scholen en bedrijfshallen in de regio, van fundering tot oplevering, en doet renovaties van oude schoenfabrieken tot lofts.",
        "Samen iets neerzetten dat er over vijftig jaar nog staat. Bij de oplevering is de hele ploeg erbij.",
        "Stoer maar zorgzaam: vaste ploegen, een uitvoerder die iedereen kent en een eigen bedrijfsschool.",
        "Duurzaam en circulair bouwen vraagt nieuwe vaardigheden. Het bedrijf zoekt mensen die willen leren, ook op latere leeftijd.",
        "Aanpakken, op tijd zijn en veilig werken. Een VCA-diploma halen ze samen.",
        ["timmeren", "metselen", "aanpakken", "veilig werken", "VCA"],
        [
            (
                OpeningKind.VACANCY,
                "Bouwplaatsmedewerker",
                "Ondersteunen van timmerlieden en metselaars op de bouwplaats.",
                ["aanpakken", "veilig werken", "fysiek fit"],
                40,
            ),
            (
                OpeningKind.BUDDY,
                "Maatje op de bouwplaats",
                "Een ervaren timmerman begeleidt een nieuwe collega de eerste maanden.",
                [],
                2,
            ),
        ],
    ),
    Kind(
        "43.22",
        SizeClass.SMALL,
        [
            ("Installatiebedrijf Warm en Droog", "GM0797"),
            ("Van Rooij Installatietechniek", "GM0867"),
            ("Loodgietersbedrijf Vlijmen", "GM0797"),
        ],
        "Installeert warmtepompen, zonnepanelen en badkamers bij particulieren en verzorgt onderhoud voor woningcorporaties.",
        "Huizen duurzaam en comfortabel maken. De eigenaar vindt het mooi dat zijn vak zo bijdraagt aan de energietransitie.",
        "Monteurs werken in duo's en hebben elk hun eigen bus. Klanten prijzen vooral hun netheid.",
        "Er zijn veel te weinig installateurs voor alle warmtepompen die erbij moeten. Zij-instromers worden in een jaar opgeleid tot monteur.",
        "Technisch inzicht, klantvriendelijk en netjes werken. Rijbewijs B is handig.",
        ["elektrotechniek", "technisch inzicht", "klantcontact", "rijbewijs B", "netjes werken"],
        [
            (
                OpeningKind.VACANCY,
                "Hulpmonteur warmtepompen",
                "Meewerken met een ervaren monteur; opleiding tot monteur in een jaar.",
                ["technisch inzicht", "rijbewijs B"],
                40,
            ),
        ],
    ),
    Kind(
        "81.30",
        SizeClass.SMALL,
        [
            ("Hoveniersbedrijf Groen Doen", "GM0797"),
            ("Groenvoorziening De Maas", "GM0797"),
            ("Tuinaanleg De Moer", "GM0809"),
        ],
        "Legt tuinen aan en onderhoudt het groen voor gemeenten, bedrijventerreinen en particulieren.",
        "Buiten werken en aan het eind van de dag zien wat je gedaan hebt.",
        "Kleine ploegen, vroeg beginnen, 's winters snoeiwerk. Veel medewerkers kwamen via een leerwerkplek binnen.",
        "Klimaatadaptief groen en minder tegels: er komt meer werk dan er mensen zijn.",
        "Doorzettingsvermogen en liefde voor buitenwerk. Tuinieren als hobby is een mooie start.",
        ["tuinonderhoud", "buiten werken", "tuinieren", "doorzetten"],
        [
            (
                OpeningKind.PLACEMENT,
                "Ontwikkelplek groenonderhoud",
                "Maaien, snoeien en beplanten in een vaste ploeg.",
                ["tuinonderhoud", "buiten werken"],
                32,
            ),
        ],
    ),
    Kind(
        "01.13",
        SizeClass.SMALL,
        [
            ("Kwekerij De Maasoever", "GM0797"),
            ("Tuinderij Oudheusden", "GM0797"),
            ("Aspergeteelt De Zandhoek", "GM0809"),
        ],
        "Teelt groenten en asperges op veertig hectare en verkoopt in een eigen boerderijwinkel.",
        "Eerlijk voedsel van dichtbij. De familie boert hier al sinds 1920.",
        "In het seizoen werken er vijftig mensen, daarbuiten tien. Iedereen eet mee aan de grote tafel.",
        "Minder seizoensarbeiders uit het buitenland beschikbaar; het bedrijf zoekt mensen uit de buurt die meerdere seizoenen willen blijven.",
        "Fysiek fit, niet bang voor weer en wind, betrouwbaar.",
        ["fysiek fit", "betrouwbaar", "buiten werken"],
        [
            (
                OpeningKind.VACANCY,
                "Oogstmedewerker aspergeseizoen",
                "Asperges steken en sorteren van april tot juni.",
                ["fysiek fit", "buiten werken"],
                30,
            ),
        ],
    ),
    Kind(
        "45.20",
        SizeClass.MICRO,
        [
            ("Autobedrijf Heusden", "GM0797"),
            ("Garage Kaatsheuvel", "GM0809"),
            ("APK Centrum Waalwijk", "GM0867"),
        ],
        "Onderhoud, APK en reparatie van personenauto's van alle merken, steeds vaker elektrisch.",
        "Klanten veilig de weg op laten gaan, zonder onnodige kosten.",
        "Gemoedelijk, de koffie staat altijd klaar; de eigenaar werkt zelf mee in de werkplaats.",
        "Elektrische auto's vragen nieuwe kennis; het bedrijf volgt cursussen en neemt leerlingen mee.",
        "Sleutelen als hobby, nauwkeurig en eerlijk.",
        ["sleutelen", "technisch inzicht", "nauwkeurig", "eerlijk"],
        [
            (
                OpeningKind.PLACEMENT,
                "Ontwikkelplek werkplaats",
                "Banden wisselen, olie verversen en meekijken bij reparaties.",
                ["sleutelen", "technisch inzicht"],
                24,
            ),
        ],
    ),
    Kind(
        "56.10",
        SizeClass.MICRO,
        [
            ("Eetcafé De Vesting", "GM0797"),
            ("Brasserie De Haven", "GM0867"),
            ("Pannenkoekenhuis De Moer", "GM0809"),
        ],
        "Eetcafé met lunch, diner en een terras waar fietsers en wandelaars graag stoppen.",
        "Gewoon lekker eten in een plek waar iedereen zich welkom voelt.",
        "Een familiebedrijf waar personeel vaak jaren blijft; de kok leert graag anderen koken.",
        "Toerisme in de regio groeit, maar goed personeel vinden is lastig. Ze bieden vaste uren in plaats van oproepcontracten.",
        "Gastvrij, flexibel en niet bang om aan te pakken als het druk is.",
        ["gastvrij", "koken", "flexibel", "aanpakken"],
        [
            (
                OpeningKind.VACANCY,
                "Keukenhulp",
                "Voorbereiden, afwassen en meehelpen met eenvoudige gerechten.",
                ["koken", "hygiënisch werken"],
                24,
            ),
        ],
    ),
    Kind(
        "38.32",
        SizeClass.MEDIUM,
        [
            ("Recyclingbedrijf Tweede Leven", "GM0867"),
            ("Kringloopcentrum De Langstraat", "GM0867"),
            ("Sorteercentrum Drunen", "GM0797"),
        ],
        "Sorteert en verwerkt bedrijfsafval, en heeft een kringloopwinkel waar spullen een tweede leven krijgen.",
        "Afval bestaat niet. En mensen die ergens anders geen plek vonden, horen hier gewoon bij.",
        "Sociaal ondernemen: ruim een derde van de medewerkers kwam via de gemeente binnen. Er zijn jobcoaches op de vloer.",
        "Nieuwe regels voor circulair ondernemen zorgen voor meer werk in sorteren en demonteren.",
        "Betrouwbaarheid en samenwerken. Ervaring is niet nodig.",
        ["samenwerken", "betrouwbaar", "sorteren", "handvaardigheid"],
        [
            (
                OpeningKind.PLACEMENT,
                "Ontwikkelplek sorteerband",
                "Materialen sorteren en elektrische apparaten demonteren.",
                ["sorteren", "handvaardigheid"],
                28,
            ),
            (
                OpeningKind.VISIT_HOST,
                "Open ochtend sorteercentrum",
                "Een rondleiding langs sorteerlijn en kringloopwinkel.",
                [],
                3,
            ),
        ],
    ),
    Kind(
        "96.02",
        SizeClass.MICRO,
        [
            ("Kapsalon Knipkunst", "GM0797"),
            ("Haarstudio Kaatsheuvel", "GM0809"),
            ("Barbershop De Markt", "GM0867"),
        ],
        "Kapsalon voor dames, heren en kinderen, met een barbershop-hoek.",
        "Mensen de deur uit laten gaan met een glimlach.",
        "Gezellig en klein; er wordt veel gekletst en gelachen met vaste klanten.",
        "Mensen willen snel terecht; de salon zoekt iemand voor de zaterdagen en avonden.",
        "Sociaal, creatief en representatief.",
        ["sociaal", "creatief", "klantcontact"],
        [
            (
                OpeningKind.VACANCY,
                "Salonassistent",
                "Klanten ontvangen, haren wassen en de salon netjes houden.",
                ["klantcontact", "sociaal"],
                16,
            ),
        ],
    ),
    Kind(
        "81.21",
        SizeClass.MEDIUM,
        [
            ("Schoonmaakbedrijf Glans", "GM0867"),
            ("Schoonmaakdiensten De Schone Zaak", "GM0797"),
            ("Glazenwasserij Loonse Ramen", "GM0809"),
        ],
        "Schoonmaak van kantoren, scholen en zorginstellingen in de regio, vooral 's avonds en vroeg in de ochtend.",
        "Schoonmaak is vakwerk dat pas opvalt als het niet gebeurt. De directeur begon zelf met een emmer en een mop.",
        "Vaste objecten en vaste collega's, een leidinggevende die langskomt en meedenkt over uren naast de zorg voor kinderen.",
        "Opdrachtgevers vragen meer duurzaamheid en social return. Het bedrijf neemt bewust mensen aan met afstand tot werk.",
        "Zelfstandig, zorgvuldig en betrouwbaar; uren zijn goed te combineren met school of zorg.",
        ["schoonmaken", "zelfstandig", "zorgvuldig", "betrouwbaar"],
        [
            (
                OpeningKind.VACANCY,
                "Schoonmaker kantoren avond",
                "Kantoren schoonmaken van 18.00 tot 21.00 uur.",
                ["schoonmaken", "zelfstandig"],
                15,
            ),
        ],
    ),
    Kind(
        "47.11",
        SizeClass.MEDIUM,
        [
            ("Supermarkt Het Dorpsplein", "GM0797"),
            ("Buurtsuper Loon op Zand", "GM0809"),
            ("Versmarkt Sprang-Capelle", "GM0867"),
        ],
        "Zelfstandige supermarkt met een eigen slagerij en bakkerijhoek, en bezorging bij ouderen in het dorp.",
        "De supermarkt als ontmoetingsplek van het dorp.",
        "Veel scholieren en herintreders; een bedrijfsleider die tijd neemt om in te werken.",
        "Online boodschappen groeien; de bezorgservice zoekt chauffeurs en orderpickers.",
        "Klantvriendelijk, flexibel en nauwkeurig.",
        ["kassawerk", "klantcontact", "flexibel", "vakkenvullen"],
        [
            (
                OpeningKind.VACANCY,
                "Vakkenvuller ochtend",
                "Vakken vullen voor openingstijd, van 6.00 tot 9.00 uur.",
                ["vakkenvullen", "vroeg op kunnen"],
                15,
            ),
        ],
    ),
    Kind(
        "18.12",
        SizeClass.SMALL,
        [
            ("Drukkerij De Letterzetter", "GM0867"),
            ("Drukwerk Heusden", "GM0797"),
            ("Printhuis Kaatsheuvel", "GM0809"),
        ],
        "Drukt verpakkingen, folders en etiketten, onder meer voor de schoen- en voedingsindustrie in de regio.",
        "Mooi drukwerk dat klopt tot de laatste millimeter.",
        "Vakmensen met jarenlange ervaring die graag hun kennis doorgeven; korte lijnen met de directie.",
        "Minder papier, meer verpakkingen en digitale druk. Het bedrijf zoekt mensen die technisch én precies zijn.",
        "Nauwkeurig, technisch inzicht en kleurgevoel.",
        ["productiewerk", "inpakken", "nauwkeurig", "technisch inzicht"],
        [
            (
                OpeningKind.PLACEMENT,
                "Ontwikkelplek afwerking",
                "Snijden, vouwen en inpakken van drukwerk aan de afwerkstraat.",
                ["nauwkeurig", "handvaardigheid"],
                32,
            ),
        ],
    ),
]

SKILLS_EXTRA = [
    "kassawerk",
    "Nederlands spreken",
    "hygiënisch werken",
    "computervaardig",
    "ondernemend",
    "vroeg op kunnen",
]

MOMENTS = [
    (
        ContactKind.VISIT,
        "Kennismakingsbezoek met {who}. Rondleiding gehad; {name} zoekt vooral mensen met {skill}.",
    ),
    (
        ContactKind.PHONE,
        "Gebeld met {who} over de openstaande plek. Graag een kandidaat voorstellen na de zomer.",
    ),
    (
        ContactKind.EMAIL,
        "Informatie over ontwikkelplekken en loonkostensubsidie gemaild naar {who}.",
    ),
    (
        ContactKind.EVENT,
        "{who} gesproken op de ondernemersbijeenkomst van de gemeente; enthousiast over een bedrijfsbezoek met de wethouder.",
    ),
    (
        ContactKind.MEETING,
        "Evaluatie met {who}: tevreden over de samenwerking, denkt aan een tweede plek.",
    ),
]


def _kvk(name: str) -> str:
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    return f"9{digest % 10_000_000:07d}"


def seed(ctx: DemoContext) -> None:
    rng = random.Random(797809867)
    now = timezone.now()

    sectors = _seed_sectors()
    ctx.extra["sectors"] = sectors

    all_skill_names = {s for kind in KINDS for s in kind.skills} | set(SKILLS_EXTRA)
    all_skill_names |= {s for kind in KINDS for o in kind.openings for s in o[3]}
    skills = {s.name.lower(): s for s in skills_from_names(sorted(all_skill_names))}

    caseworker = ctx.users.get(Role.CASEWORKER)
    coordinator = ctx.users.get(Role.COORDINATOR)
    caseworker_codes = (
        set(caseworker.municipalities.values_list("cbs_code", flat=True)) if caseworker else set()
    )

    # 1. Employers, by KvK number.
    specs = []
    for kind in KINDS:
        for index, (name, code) in enumerate(kind.names):
            place, pc4 = rng.choice(PLACES[code])
            postcode = f"{pc4} {rng.choice(LETTERS)}{rng.choice(LETTERS)}"
            status = [EmployerStatus.ACTIVE, EmployerStatus.ACTIVE, EmployerStatus.PROSPECT][index]
            if rng.random() < 0.08:
                status = EmployerStatus.DORMANT
            owner = caseworker if code in caseworker_codes else coordinator
            specs.append((kind, name, code, place, postcode, status, owner))
    kvks = [_kvk(spec[1]) for spec in specs]
    existing = {e.kvk_number: e for e in Employer.objects.filter(kvk_number__in=kvks)}
    new = []
    for (kind, name, code, place, postcode, status, owner), kvk in zip(specs, kvks, strict=True):
        if kvk in existing:
            continue
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:30]
        new.append(
            Employer(
                kvk_number=kvk,
                trade_name=name,
                street_address=f"{rng.choice(STREETS)} {rng.randint(1, 180)}",
                postcode=postcode,
                city=place,
                municipality=ctx.municipalities[code],
                sector=sectors[kind.sector],
                size_class=kind.size,
                website=f"https://www.{slug}.example.nl",
                relationship_owner=owner,
                status=status,
                story_what=kind.what,
                story_passion=kind.passion,
                story_culture=kind.culture,
                story_views=kind.views,
                story_values=kind.values,
            )
        )
    Employer.objects.bulk_create(new)
    employers = {
        e.kvk_number: e
        for e in Employer.objects.filter(kvk_number__in=kvks).select_related("municipality")
    }
    ordered = [employers[k] for k in kvks]
    ctx.extra["employers"] = ordered
    kinds = {employers[k].pk: spec[0] for k, spec in zip(kvks, specs, strict=True)}

    Through = Employer.valued_skills.through
    Through.objects.bulk_create(
        [
            Through(employer_id=e.pk, skill_id=skills[s.lower()].pk)
            for e in ordered
            for s in kinds[e.pk].skills
        ],
        ignore_conflicts=True,
    )

    # 2. Contact persons; the demo employer contact works at the first bakery.
    # Only on the first run: an employer that has contact persons is left alone.
    with_contacts = set(
        EmployerContact.objects.filter(employer__in=ordered).values_list("employer_id", flat=True)
    )
    contacts = []
    for position, employer in enumerate(ordered):
        if employer.pk in with_contacts:
            continue
        for n in range(1 + position % 2):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            contacts.append(
                EmployerContact(
                    employer=employer,
                    name=f"{first} {last}",
                    role=CONTACT_ROLES[(position + n) % len(CONTACT_ROLES)],
                    email=f"{first.lower()}@{employer.website.split('www.')[-1]}",
                    phone=f"06-{rng.randint(10000000, 99999999)}",
                    is_primary=n == 0,
                )
            )
    EmployerContact.objects.bulk_create(contacts)

    demo_employer = ordered[0]
    contact_user = ctx.users.get(Role.EMPLOYER_CONTACT)
    if contact_user is not None:
        EmployerContact.objects.get_or_create(
            employer=demo_employer,
            user=contact_user,
            defaults={
                "name": contact_user.get_full_name() or contact_user.email,
                "role": "eigenaar",
                "email": contact_user.email,
            },
        )
    ctx.extra["demo_employer"] = demo_employer

    # 3. Contact moments: a few per employer, on the first run only.
    with_moments = set(
        ContactMoment.objects.filter(employer__in=ordered).values_list("employer_id", flat=True)
    )
    primary = {
        c.employer_id: c.name
        # Ascending, so the primary contact is written last and wins.
        for c in EmployerContact.objects.filter(employer__in=ordered).order_by("is_primary")
    }
    moments = []
    for employer in ordered:
        if employer.pk in with_moments or employer.status == EmployerStatus.PROSPECT:
            continue
        kind = kinds[employer.pk]
        days_ago = 540 if employer.status == EmployerStatus.DORMANT else 240
        for text_kind, template in rng.sample(MOMENTS, rng.randint(2, 4)):
            days_ago = max(1, days_ago - rng.randint(15, 55))
            moments.append(
                ContactMoment(
                    employer=employer,
                    happened_at=now - timedelta(days=days_ago, hours=rng.randint(0, 8)),
                    kind=text_kind,
                    summary=template.format(
                        who=primary.get(employer.pk, "de eigenaar"),
                        name=employer.trade_name,
                        skill=kind.skills[0].lower(),
                    ),
                    author=employer.relationship_owner,
                )
            )
    ContactMoment.objects.bulk_create(moments)

    # 4. Openings: vacancies, development placements, buddy and visit offers.
    have_openings = set(
        Opening.objects.filter(employer__in=ordered).values_list("employer_id", "title")
    )
    openings = []
    competences = []
    for employer in ordered:
        if employer.status != EmployerStatus.ACTIVE:
            continue
        for kind_, title, description, wanted, hours in kinds[employer.pk].openings:
            if (employer.pk, title) in have_openings:
                continue
            start = (now + timedelta(days=rng.randint(7, 90))).date()
            opening = Opening(
                employer=employer,
                kind=kind_,
                title=title,
                description=description,
                hours_per_week=hours,
                start_date=start,
                end_date=start + timedelta(days=120) if kind_ == OpeningKind.PLACEMENT else None,
                places=rng.choice([1, 1, 2, 3]) if kind_ != OpeningKind.VISIT_HOST else 10,
                created_by=employer.relationship_owner,
            )
            openings.append(opening)
            competences.append(wanted)
    Opening.objects.bulk_create(openings)
    CompetenceThrough = Opening.competences.through
    CompetenceThrough.objects.bulk_create(
        [
            CompetenceThrough(opening_id=o.pk, skill_id=skills[s.lower()].pk)
            for o, wanted in zip(openings, competences, strict=True)
            for s in wanted
        ],
        ignore_conflicts=True,
    )
    ctx.extra["openings"] = list(Opening.objects.filter(employer__in=ordered).order_by("pk"))
    ctx.log.append(
        f"Employers: {len(ordered)} ({len(new)} new), openings: {len(ctx.extra['openings'])}."
    )


def _seed_sectors() -> dict[str, Sector]:
    existing = {s.code: s for s in Sector.objects.all()}
    Sector.objects.bulk_create(
        [Sector(code=c, label=label) for c, label in SECTIONS.items() if c not in existing]
    )
    sections = {s.code: s for s in Sector.objects.filter(code__in=SECTIONS)}
    Sector.objects.bulk_create(
        [
            Sector(code=c, label=label, parent=sections[parent])
            for c, (parent, label) in FINER.items()
            if c not in existing
        ]
    )
    return {s.code: s for s in Sector.objects.filter(code__in=[*SECTIONS, *FINER])}
