"""The field catalogue of the imports: per kind of file, the fields a column can fill, the
headers (Dutch and English) that name them, and the choices a word in a cell can stand for.

The catalogue says what a cell *means*; it holds no rule about what is valid. Every value goes
through the owning app's service (``employers.services``, ``jobseekers.services``), whose
``full_clean`` asks the validators of ``baanbrekers/validators.py`` and the limits table
(``baanbrekers/limits.py``), exactly as the forms do.

The same catalogue lays out the exports (imports/exports.py), so a file that leaves the
platform comes back in without a new mapping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from baanbrekers.vocabulary import normalise
from employers.models import EmployerStatus, OpeningKind, OpeningStatus, SizeClass
from jobseekers.models import BenefitType, ConsentKind, EducationLevel, LanguageLevel

from .models import ImportKind

# What a cell holds, which decides how it is read (imports/services.py, ``_read_cell``).
TEXT = "text"
DATE = "date"
NUMBER = "number"
BOOLEAN = "boolean"
CHOICE = "choice"
CHOICES = "choices"  # several choices in one cell, separated by commas or semicolons
WORDS = "words"  # several words of the skills vocabulary
DIGITS = "digits"  # a number kept as text: BSN, KvK (a spreadsheet drops leading zeros)
EMAIL = "email"
USER = "user"  # a staff member, by e-mail address


@dataclass(frozen=True)
class ImportField:
    key: str
    label: object  # lazy, Dutch in the pages
    kind: str = TEXT
    required: bool = False
    synonyms: tuple[str, ...] = ()
    choices: Callable[[], list[tuple[str, str]]] | None = None
    # Extra words for choices, beside the value itself and its Dutch and English label.
    value_synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    help: object = ""
    digits: int = 0  # DIGITS: the fixed length, padded with leading zeros

    @property
    def is_choice(self) -> bool:
        return self.choices is not None


# --- Choices, read when asked (the database's rows, the models' TextChoices) ------------------
def _text_choices(choices_class) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(value, str(label)) for value, label in choices_class.choices]


def _yes_no() -> list[tuple[str, str]]:
    return [("1", str(_("Yes"))), ("0", str(_("No")))]


YES_NO_SYNONYMS = {
    "1": ("ja", "j", "yes", "y", "true", "waar", "x", "wel", "aanwezig"),
    "0": ("nee", "n", "no", "false", "onwaar", "geen", "niet", "-"),
}


def _ladder_steps() -> list[tuple[str, str]]:
    return [(str(step), str(_("Step %(step)s") % {"step": step})) for step in range(1, 7)]


LADDER_SYNONYMS = {str(step): (f"trede {step}", f"step {step}", f"t{step}") for step in range(1, 7)}


def _municipalities() -> list[tuple[str, str]]:
    from baanbrekers.models import Municipality

    return [(str(m.pk), m.name) for m in Municipality.objects.order_by("name")]


def _sectors() -> list[tuple[str, str]]:
    from employers.models import Sector

    return [(s.code, f"{s.code} {s.label}") for s in Sector.objects.order_by("code")]


# --- The catalogue ----------------------------------------------------------------------------
JOBSEEKER_FIELDS = [
    ImportField(
        "bsn",
        _("BSN"),
        DIGITS,
        required=True,
        digits=9,
        synonyms=("burgerservicenummer", "bsn nummer", "sofinummer", "citizen service number"),
        help=_("Used to find the person again; never shown in full."),
    ),
    ImportField(
        "first_name",
        _("first name"),
        required=True,
        synonyms=("voornaam", "roepnaam", "voornamen", "given name", "firstname"),
    ),
    ImportField(
        "last_name_prefix",
        _("surname prefix"),
        synonyms=("tussenvoegsel", "tussenvoegsels", "voorvoegsel", "prefix", "infix"),
        help=_("Such as 'van der'; put before the last name."),
    ),
    ImportField(
        "last_name",
        _("last name"),
        required=True,
        synonyms=("achternaam", "geslachtsnaam", "surname", "family name", "lastname"),
    ),
    ImportField(
        "birth_date",
        _("date of birth"),
        DATE,
        required=True,
        synonyms=("geboortedatum", "geboren", "geb datum", "birth date", "birthdate", "dob"),
    ),
    ImportField(
        "email", _("email"), EMAIL, synonyms=("e-mail", "e-mailadres", "emailadres", "mail")
    ),
    ImportField(
        "phone",
        _("phone"),
        synonyms=("telefoon", "telefoonnummer", "tel", "mobiel", "mobiel nummer", "telephone"),
    ),
    ImportField("postcode", _("postcode"), required=True, synonyms=("zip", "postal code")),
    ImportField(
        "municipality",
        _("municipality"),
        CHOICE,
        choices=_municipalities,
        synonyms=("gemeente", "woonplaats gemeente"),
        help=_("Empty: the municipality of the postcode."),
    ),
    ImportField(
        "caseworker",
        _("caseworker (e-mail)"),
        USER,
        synonyms=("klantmanager", "casemanager", "consulent", "trajectbegeleider", "caseworker"),
    ),
    ImportField(
        "benefit_type",
        _("benefit"),
        CHOICE,
        choices=_text_choices(BenefitType),
        synonyms=("uitkering", "soort uitkering", "uitkeringssoort", "benefit type", "regeling"),
        value_synonyms={
            "pw": ("participatiewet", "bijstand", "pw", "wwb"),
            "ww": ("ww", "werkloosheidswet"),
            "none": ("geen", "geen uitkering", "nug", "none"),
        },
    ),
    ImportField(
        "benefit_start_date",
        _("benefit since"),
        DATE,
        synonyms=("uitkering sinds", "ingangsdatum uitkering", "startdatum uitkering"),
    ),
    ImportField(
        "ladder_step",
        _("participation ladder step"),
        CHOICE,
        choices=_ladder_steps,
        value_synonyms=LADDER_SYNONYMS,
        synonyms=("trede", "participatieladder", "ladder", "tredeniveau", "ladder step"),
    ),
    ImportField(
        "education_level",
        _("education"),
        CHOICE,
        choices=_text_choices(EducationLevel),
        synonyms=("opleiding", "opleidingsniveau", "hoogste opleiding", "education level"),
        value_synonyms={
            "none": ("geen", "geen diploma"),
            "primary": ("basisschool", "basisonderwijs"),
            "mbo1": ("mbo 1", "mbo-1", "entree", "entreeopleiding"),
            "mbo2_4": ("mbo 2", "mbo 3", "mbo 4", "mbo"),
            "havo_vwo": ("havo", "vwo"),
            "wo": ("universiteit", "wo"),
            "foreign": ("buitenlands diploma",),
        },
    ),
    ImportField(
        "experience", _("work experience"), synonyms=("werkervaring", "ervaring", "experience")
    ),
    ImportField(
        "skills",
        _("skills"),
        WORDS,
        synonyms=("vaardigheden", "competenties", "kwaliteiten", "skills"),
        help=_("Words of the skills vocabulary, separated by commas."),
    ),
    ImportField(
        "interests",
        _("interests and hobbies"),
        WORDS,
        synonyms=("interesses", "hobby s", "hobbys", "hobbies", "interests"),
    ),
    ImportField(
        "hours_available",
        _("hours available per week"),
        NUMBER,
        synonyms=("uren", "uren per week", "beschikbare uren", "beschikbaarheid", "hours"),
    ),
    ImportField(
        "has_driving_licence",
        _("driving licence"),
        BOOLEAN,
        choices=_yes_no,
        value_synonyms=YES_NO_SYNONYMS,
        synonyms=("rijbewijs", "rijbewijs b", "driving license"),
    ),
    ImportField(
        "has_car",
        _("car"),
        BOOLEAN,
        choices=_yes_no,
        value_synonyms=YES_NO_SYNONYMS,
        synonyms=("auto", "eigen auto", "eigen vervoer"),
    ),
    ImportField(
        "has_bicycle",
        _("bicycle"),
        BOOLEAN,
        choices=_yes_no,
        value_synonyms=YES_NO_SYNONYMS,
        synonyms=("fiets", "bike"),
    ),
    ImportField(
        "max_travel_km",
        _("maximum travel distance (km)"),
        NUMBER,
        synonyms=("reisafstand", "max reisafstand", "reisafstand km", "travel distance"),
    ),
    ImportField(
        "dutch_level",
        _("Dutch language level"),
        CHOICE,
        choices=_text_choices(LanguageLevel),
        synonyms=("taalniveau", "taalniveau nederlands", "nederlands", "dutch level"),
        value_synonyms={"native": ("moedertaal", "nt1"), "a0": ("geen", "nog geen")},
    ),
    ImportField(
        "limitations", _("limitations"), synonyms=("beperkingen", "belemmeringen", "limitations")
    ),
    ImportField(
        "consents",
        _("consents"),
        CHOICES,
        choices=_text_choices(ConsentKind),
        synonyms=("toestemming", "toestemmingen", "consent"),
        value_synonyms={
            "share_profile": ("profiel delen", "profiel", "delen"),
            "join_visits": ("bedrijfsbezoeken", "bezoeken"),
            "introduction": ("voorstellen", "introductie", "kennismaking"),
        },
        help=_("Kinds of consent, separated by commas; given today unless a date is given."),
    ),
    ImportField(
        "consent_given_on",
        _("consent given on"),
        DATE,
        synonyms=("toestemming gegeven op", "datum toestemming", "toestemming datum"),
    ),
    ImportField(
        "consent_valid_until",
        _("consent valid until"),
        DATE,
        synonyms=("toestemming geldig tot", "toestemming tot", "einddatum toestemming"),
    ),
]

EMPLOYER_FIELDS = [
    ImportField(
        "kvk_number",
        _("KvK number"),
        DIGITS,
        required=True,
        digits=8,
        synonyms=("kvk", "kvk nummer", "kvknummer", "kamer van koophandel", "coc number"),
    ),
    ImportField(
        "trade_name",
        _("trade name"),
        required=True,
        synonyms=("handelsnaam", "bedrijfsnaam", "bedrijf", "naam bedrijf", "company", "name"),
    ),
    ImportField(
        "street_address",
        _("street and number"),
        synonyms=("adres", "straat", "straat en huisnummer", "bezoekadres", "address"),
    ),
    ImportField("postcode", _("postcode"), required=True, synonyms=("zip", "postal code")),
    ImportField("city", _("place"), synonyms=("plaats", "woonplaats", "vestigingsplaats", "city")),
    ImportField(
        "municipality",
        _("municipality"),
        CHOICE,
        choices=_municipalities,
        synonyms=("gemeente",),
        help=_("Empty: the municipality of the postcode."),
    ),
    ImportField(
        "sector",
        _("sector"),
        CHOICE,
        choices=_sectors,
        synonyms=("branche", "sbi", "sbi code", "sector code", "industry"),
    ),
    ImportField(
        "size_class",
        _("size"),
        CHOICE,
        choices=_text_choices(SizeClass),
        synonyms=("grootte", "omvang", "aantal medewerkers", "grootteklasse", "size"),
    ),
    ImportField("website", _("website"), synonyms=("internet", "url", "site", "webadres")),
    ImportField(
        "status",
        _("status"),
        CHOICE,
        choices=_text_choices(EmployerStatus),
        synonyms=("relatiestatus", "status relatie"),
        value_synonyms={
            "active": ("actief", "klant", "relatie"),
            "prospect": ("prospect", "lead", "nieuw"),
            "dormant": ("slapend", "inactief"),
        },
    ),
    ImportField(
        "relationship_owner",
        _("relationship owner (e-mail)"),
        USER,
        synonyms=("accountmanager", "relatiebeheerder", "werkgeversadviseur", "account owner"),
    ),
    ImportField(
        "story_what",
        _("what the company makes or does"),
        synonyms=("activiteiten", "omschrijving", "wat doet het bedrijf", "description"),
    ),
    ImportField(
        "contact_name",
        _("contact person"),
        synonyms=("contactpersoon", "naam contactpersoon", "contact", "contact name"),
    ),
    ImportField(
        "contact_role",
        _("contact person's role"),
        synonyms=("functie", "functie contactpersoon", "rol", "contact role", "job title"),
    ),
    ImportField(
        "contact_email",
        _("contact person's e-mail"),
        EMAIL,
        synonyms=("e-mail", "email", "e-mailadres", "e-mail contactpersoon", "contact email"),
    ),
    ImportField(
        "contact_phone",
        _("contact person's phone"),
        synonyms=("telefoon", "telefoonnummer", "tel", "telefoon contactpersoon", "phone"),
    ),
]

OPENING_FIELDS = [
    ImportField(
        "employer_kvk",
        _("employer's KvK number"),
        DIGITS,
        required=True,
        digits=8,
        synonyms=("kvk", "kvk nummer", "kvknummer", "kvk werkgever", "werkgever kvk", "coc"),
        help=_("The employer must already be registered."),
    ),
    ImportField(
        "title",
        _("title"),
        required=True,
        synonyms=("titel", "functie", "functietitel", "vacature", "vacaturetitel", "job title"),
    ),
    ImportField(
        "kind",
        _("kind"),
        CHOICE,
        choices=_text_choices(OpeningKind),
        synonyms=("soort", "type", "soort plek"),
        value_synonyms={
            "vacancy": ("vacature", "baan"),
            "placement": ("ontwikkelplek", "werkervaringsplek", "leerwerkplek", "stage"),
            "buddy": ("maatje", "buddy"),
            "visit_host": ("bedrijfsbezoek", "bezoek"),
        },
        help=_("Empty: vacancy."),
    ),
    ImportField(
        "description",
        _("description"),
        synonyms=("omschrijving", "beschrijving", "functieomschrijving"),
    ),
    ImportField(
        "hours_per_week",
        _("hours per week"),
        NUMBER,
        synonyms=("uren", "uren per week", "aantal uren", "hours"),
    ),
    ImportField(
        "places", _("places"), NUMBER, synonyms=("plekken", "aantal plekken", "aantal", "places")
    ),
    ImportField(
        "location_postcode",
        _("work location postcode"),
        synonyms=("postcode werklocatie", "werklocatie", "postcode", "location"),
    ),
    ImportField(
        "start_date", _("start"), DATE, synonyms=("startdatum", "begindatum", "start date")
    ),
    ImportField("end_date", _("end"), DATE, synonyms=("einddatum", "end date")),
    ImportField(
        "competences",
        _("competences sought"),
        WORDS,
        synonyms=("competenties", "vaardigheden", "gevraagde competenties", "skills"),
    ),
    ImportField(
        "status",
        _("status"),
        CHOICE,
        choices=_text_choices(OpeningStatus),
        value_synonyms={
            "open": ("open", "actief"),
            "filled": ("vervuld",),
            "closed": ("gesloten",),
        },
    ),
]

FIELDS: dict[str, list[ImportField]] = {
    ImportKind.EMPLOYERS: EMPLOYER_FIELDS,
    ImportKind.JOBSEEKERS: JOBSEEKER_FIELDS,
    ImportKind.OPENINGS: OPENING_FIELDS,
}


def fields_of(kind: str) -> list[ImportField]:
    return FIELDS[kind]


def field_of(kind: str, key: str) -> ImportField:
    for candidate in FIELDS[kind]:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def choice_fields(kind: str) -> list[ImportField]:
    """The fields whose cells are words standing for a choice (value mapping)."""
    return [f for f in FIELDS[kind] if f.is_choice]


def header_key(header: str) -> str:
    """A header as compared: case, accents, punctuation and spaces do not matter."""
    return normalise(str(header or "").replace("_", " "))


def _names_of(import_field: ImportField) -> list[str]:
    names = [import_field.key.replace("_", " ")]
    for language in ("nl", "en"):
        with translation.override(language):
            names.append(str(import_field.label))
    names.extend(import_field.synonyms)
    return [header_key(name) for name in names]


def propose_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """{header: field key or ""}: each field to the first header that names it exactly (key,
    Dutch or English label, or a synonym); a field is proposed for one header only."""
    taken: set[str] = set()
    proposal: dict[str, str] = {}
    names = {f.key: _names_of(f) for f in FIELDS[kind]}
    for header in headers:
        key = header_key(header)
        found = ""
        # The field's own key and labels win over synonyms another field shares.
        for rank in (slice(0, 3), slice(3, None)):
            for import_field in FIELDS[kind]:
                if import_field.key not in taken and key in names[import_field.key][rank]:
                    found = import_field.key
                    break
            if found:
                break
        if found:
            taken.add(found)
        proposal[header] = found
    return proposal


def choice_lookup(import_field: ImportField) -> dict[str, str]:
    """{normalised word: choice value} for the words a cell may use for a choice: the value,
    its Dutch and English label, and the catalogue's synonyms."""
    lookup: dict[str, str] = {}
    choices = import_field.choices() if import_field.choices else []
    for language in ("en", "nl"):
        with translation.override(language):
            for value, label in import_field.choices() if import_field.choices else []:
                lookup.setdefault(header_key(str(label)), value)
    for value, _label in choices:
        lookup[header_key(value)] = value
    for value, words in import_field.value_synonyms.items():
        for word in words:
            lookup.setdefault(header_key(word), value)
    if import_field.key == "sector":
        # "C Industrie" and "C" alike; labels alone too.
        from employers.models import Sector

        for code, label in Sector.objects.values_list("code", "label"):
            lookup.setdefault(header_key(label), code)
    if import_field.key == "municipality":
        from baanbrekers.models import Municipality

        for pk, code in Municipality.objects.values_list("pk", "cbs_code"):
            lookup.setdefault(header_key(code), str(pk))
    lookup.pop("", None)
    return lookup
