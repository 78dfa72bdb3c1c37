"""Messy spreadsheets as a werkbedrijf's CRM and client-tracking system export them, made in
code (synthetic people and companies) so every test says what it feeds the import.

``tests/imports/data/make_files.py`` writes two of them to disk for the browser test.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from jobseekers.demo import synthetic_bsn

# A BSN that fails the eleven-test (the last digit of a valid one changed).
VALID_BSN = synthetic_bsn(900_001)
INVALID_BSN = VALID_BSN[:-1] + str((int(VALID_BSN[-1]) + 1) % 10)

EMPLOYER_HEADER = [
    "KvK-nummer",
    "Bedrijfsnaam",
    "Adres",
    "Postcode",
    "Plaats",
    "Grootte",
    "Contactpersoon",
    "E-mail",
    "Telefoon",
]
EMPLOYER_ROWS = [
    [
        "12345678",
        "Café De Gouden Leeuw",
        "Markt 1",
        "5251ab",
        "Vlijmen",
        "1 tot 9 medewerkers",
        "Anouk Smits",
        "anouk@leeuw.example.org",
        "0612345678",
    ],
    [
        "23456789",
        "Bouwbedrijf Van Hé",
        "Industrieweg 4",
        "5141 GD",
        "Waalwijk",
        "10-49",
        "Peter van Hé",
        "peter@vanhe.example.org",
        "0416 123456",
    ],
    ["34567890", "Groen & Zo", "Dorpsstraat 9", "5171 AB", "Kaatsheuvel", "", "", "", ""],
]


def employers_csv(
    *,
    encoding: str = "cp1252",
    delimiter: str = ";",
    rows: list[list[str]] | None = None,
    header: list[str] | None = None,
    messy: bool = True,
) -> bytes:
    """Excel's Dutch "CSV": Windows-1252, semicolons, CRLF; with ``messy`` also empty lines,
    a duplicate row and a KvK number of the wrong length (row 8)."""
    rows = [list(r) for r in (rows or EMPLOYER_ROWS)]
    header = header or EMPLOYER_HEADER
    lines = [header, *rows]
    if messy:
        lines = [
            header,
            rows[0],
            [],
            rows[1],
            [""] * 9,
            rows[2],
            rows[0],
            ["1234567", "Kapotte KvK BV", "", "5251 AB", "", "", "", "", ""],
        ]
    out = io.StringIO(newline="")
    for cells in lines:
        out.write(delimiter.join(_quote(c, delimiter) for c in cells) + "\r\n")
    data = out.getvalue()
    if encoding == "utf-8-sig":
        return data.encode("utf-8-sig")
    return data.encode(encoding)


def _quote(cell: str, delimiter: str) -> str:
    if delimiter in cell or '"' in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


JOBSEEKER_HEADER = [
    "BSN",
    "Voornaam",
    "Tussenvoegsel",
    "Achternaam",
    "Geboortedatum",
    "E-mailadres",
    "Mobiel",
    "Postcode",
    "Klantmanager",
    "Trede",
    "Uren per week",
    "Rijbewijs",
    "Vaardigheden",
    "Hobby's",
    "Toestemming",
    "Toestemming geldig tot",
]


def jobseeker_rows(caseworker_email: str = "") -> list[list]:
    """Three people: BSN as a number (as Excel keeps it), dates as an Excel serial, as a date
    cell and as text; one with an invalid BSN (row 4)."""
    until = (datetime.date.today() + datetime.timedelta(days=365)).strftime("%d-%m-%Y")
    return [
        [
            int(synthetic_bsn(900_010)),
            "Fatima",
            "",
            "El Amrani",
            31184,
            "fatima@example.org",
            612345678,
            "5251 AB",
            caseworker_email,
            "Trede 3",
            24,
            "ja",
            "koken, lassen",
            "fietsen",
            "profiel delen",
            until,
        ],
        [
            synthetic_bsn(900_011),
            "Jan",
            "van der",
            "Berg",
            datetime.datetime(1979, 3, 2),
            "",
            "",
            "5141GD",
            "",
            4,
            "32",
            "nee",
            "heftruck rijden, onbekendwoord",
            "",
            "",
            "",
        ],
        [
            INVALID_BSN,
            "Piet",
            "",
            "Fout",
            "17-05-1985",
            "",
            "",
            "5171 AB",
            "",
            2,
            16,
            "",
            "",
            "",
            "",
            "",
        ],
    ]


def jobseekers_xlsx(rows: list[list] | None = None, header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or JOBSEEKER_HEADER)
    sheet.append([])  # an empty line below the header
    for row in rows if rows is not None else jobseeker_rows():
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


BULK_HEADER = [
    "BSN", "Voornaam", "Achternaam", "Geboortedatum", "Postcode", "Trede", "Uren per week",
    "Rijbewijs", "Vaardigheden", "Hobby's",
]  # fmt: skip
BULK_POSTCODES = ["5251 AB", "5141 GD", "5171 AB", "5252 CD", "5143 AA", "5172 BB"]
BULK_SKILLS = ["koken", "lassen", "heftruck rijden", "schoonmaak", "administratie", "fietsenmaker"]


def bulk_jobseeker_lines(count: int, start: int = 1_000_000):
    """A large client-tracking export, line by line (Windows-1252 text, semicolons): ``count``
    synthetic people with valid BSNs, dates as text, skills of the vocabulary."""
    from jobseekers.demo import FIRST_NAMES, LAST_NAMES

    yield ";".join(BULK_HEADER) + "\r\n"
    for i in range(count):
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=(i * 37) % 14000)
        cells = [
            synthetic_bsn(start + i),
            FIRST_NAMES[i % len(FIRST_NAMES)],
            LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)],
            birth.strftime("%d-%m-%Y"),
            BULK_POSTCODES[i % len(BULK_POSTCODES)],
            str(1 + i % 6),
            str(8 + i % 32),
            "ja" if i % 3 else "nee",
            ", ".join(BULK_SKILLS[i % 6 : i % 6 + 2]),
            "",
        ]
        yield ";".join(cells) + "\r\n"


def bulk_jobseekers_csv(count: int, start: int = 1_000_000) -> bytes:
    return "".join(bulk_jobseeker_lines(count, start)).encode("cp1252")
