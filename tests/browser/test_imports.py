"""Issue 16's decisive walk: a coordinator brings employers (a messy CSV) and job seekers (an
Excel file) in, fixes the column mapping, sees the dry run's errors, corrects the files, confirms,
and finds the records on the lists; the same files a second time change nothing. The import
pages pass axe at phone and desktop width, without sideways scroll.

The files are made here, messy the way real exports are: Windows-1252 with semicolons, an
empty line, a duplicate row, a KvK number that is too long, a postcode in Amsterdam, an
unknown column name; in the Excel file a BSN that fails the eleven-test, birth dates as a date,
as text and as an Excel serial number. ``BB_SCREENSHOTS=<dir>`` keeps a screenshot of each page
at both widths (imports-<page>-<width>.png).
"""

from __future__ import annotations

import datetime
import io
import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import Workbook
from playwright.sync_api import expect

from employers.models import Employer
from jobseekers.demo import synthetic_bsn
from jobseekers.models import JobSeeker
from tests.browser.test_portal import DESKTOP, PHONE, assert_accessible, log_in
from tests.employers.factories import SectorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("BB_SCREENSHOTS")

EMPLOYER_HEADER = "KvK-nummer;Firma;Adres;Postcode;Plaats;Branche;Contactpersoon;E-mail;Telefoon"
EMPLOYER_GOOD = [
    "12345678;Bakkerij Smulders;Dorpsstraat 1;5251 AB;Vlijmen;Horeca;Els Smulders;"
    "els@smulders.example.org;073-5111111",
    "23456789;Café De Zwaan;Hoofdstraat 12;5171 ab;Kaatsheuvel;Horeca;Kees de Bruijn;"
    "kees@dezwaan.example.org;0416 123456",
    "",  # an empty line, as spreadsheets leave them
    "34567890;Metaalbewerking Één;Industrieweg 5;5145 PM;Waalwijk;Industrie;;;",
    "34567890;Metaalbewerking Één;Industrieweg 5;5145 PM;Waalwijk;Industrie;;;",  # twice
]
EMPLOYER_BAD = [
    "12AB5678;Foutje BV;Dorpsstraat 9;5251 AB;Vlijmen;Industrie;;;",  # not a KvK number
    "45678901;Grachtenpand BV;Damrak 1;1012 LG;Amsterdam;;;;",  # outside the region
]

BSNS = [synthetic_bsn(700_001 + n) for n in range(3)]
INVALID_BSN = "123456789"
JOBSEEKER_HEADER = [
    "Burgerservicenummer",
    "Roepnaam",
    "Tussenvoegsel",
    "Achternaam",
    "Geboortedatum",
    "Postcode",
    "E-mailadres",
    "Werkuren",
    "Trede",
    "Klantnummer",
]
JOBSEEKER_GOOD = [
    # A BSN as a number, a birth date as a real date.
    [
        int(BSNS[0]),
        "Anouk",
        "",
        "Verbeek",
        datetime.date(1990, 3, 12),
        "5251 AB",
        "anouk@example.org",
        24,
        "Trede 3",
        "K-001",
    ],
    # A birth date as text, a ladder step as a bare number.
    [BSNS[1], "Daan", "de", "Kuipers", "01-07-1985", "5171ab", "", "32", "2", "K-002"],
    # A birth date as an Excel serial number (1996-05-04).
    [BSNS[2], "Fatma", "", "Yilmaz", 35189, "5141 GD", "fatma@example.org", 20, "t4", "K-003"],
]
JOBSEEKER_BAD = [INVALID_BSN, "Piet", "", "Fout", "12-12-1980", "5251 AB", "", 16, "3", "K-004"]


def employers_csv(rows) -> bytes:
    return ("\r\n".join([EMPLOYER_HEADER, *rows]) + "\r\n").encode("cp1252")


def jobseekers_xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(JOBSEEKER_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def shot(page, name: str, width: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"imports-{name}-{width}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def issues(table) -> list[tuple[str, str, str]]:
    """(row, column, message) of each line of the errors table, as the user reads them."""
    return [
        tuple(cell.strip() for cell in line)
        for line in table.locator("tbody tr").evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
        )
    ]


def choose_column(page, header: str, field_label: str) -> None:
    select = page.get_by_label(header, exact=True)
    option = select.locator("option").filter(has_text=field_label).first
    select.select_option(option.get_attribute("value"))


def upload(page, live_server, kind_label: str, name: str, content: bytes, mime: str) -> None:
    page.goto(f"{live_server.url}/imports/")
    page.get_by_role("link", name="Nieuwe import").click()
    page.get_by_label(kind_label, exact=True).check()
    page.locator("#id_file").set_input_files({"name": name, "mimeType": mime, "buffer": content})
    page.get_by_role("button", name="Uploaden en verder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welke kolom bevat wat?")


def import_file(page, live_server, kind_label, name, content, mime, *, hours_column) -> None:
    """Upload, map the one column the catalogue does not know ("Werkuren"), check, confirm."""
    upload(page, live_server, kind_label, name, content, mime)
    if hours_column:
        choose_column(page, "Werkuren", "Beschikbare uren per week")
    check_and_confirm(page)


def check_and_confirm(page) -> None:
    """From the mapping page: check, then confirm, then wait for the report."""
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Controle voor het importeren")
    expect(page.locator('[data-count="error"]')).to_have_text("0")
    page.get_by_role("button", name="Bevestigen en importeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultaat van de import")


def test_coordinator_imports_employers_and_job_seekers_and_a_second_run_changes_nothing(
    live_server, page, coordinator, heusden, loon_op_zand, waalwijk
):
    SectorFactory(code="C", label="Industrie")
    SectorFactory(code="I", label="Logies, maaltijd- en drankverstrekking")
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, coordinator)

    # --- Employers: a messy CSV; "Firma" is not recognised, the sector word "Horeca" neither.
    upload(
        page,
        live_server,
        "Werkgevers",
        "crm-export.csv",
        employers_csv([*EMPLOYER_GOOD, *EMPLOYER_BAD]),
        "text/csv",
    )
    expect(page.get_by_label("KvK-nummer", exact=True)).to_have_value("kvk_number")
    expect(page.get_by_label("Firma", exact=True)).to_have_value("")
    page.get_by_role("button", name="Bestand controleren").click()
    # The required trade name is not mapped: the error is shown, nothing is checked yet.
    expect(page.get_by_role("alert").first).to_be_visible()
    choose_column(page, "Firma", "Handelsnaam")
    # The sector's words: "Industrie" is recognised, "Horeca" means section I.
    expect(page.get_by_label("Industrie", exact=True)).to_have_value("C")
    expect(page.get_by_label("Horeca", exact=True)).to_have_value("")
    page.get_by_label("Horeca", exact=True).select_option("I")
    page.get_by_label("Sla deze koppeling op als indeling (optioneel)").fill("CRM-export")
    page.get_by_role("button", name="Bestand controleren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Controle voor het importeren")
    errors = page.get_by_role("table", name="Fouten per rij")
    expect(errors).to_be_visible()
    found = issues(errors)
    # Spreadsheet rows: the header is 1, the empty line 4, the duplicate 6 (a warning only).
    assert {(row, column) for row, column, _message in found} >= {
        ("7", "KvK-nummer"),
        ("8", "Postcode"),
    }, found
    assert any(row == "6" and "Hetzelfde als rij 5" in message for row, _c, message in found)
    expect(page.get_by_role("button", name="Bevestigen en importeren")).to_be_disabled()
    assert not Employer.objects.exists()

    # The corrected file: the saved layout maps "Firma" by itself this time.
    upload(
        page,
        live_server,
        "Werkgevers",
        "crm-export-verbeterd.csv",
        employers_csv(EMPLOYER_GOOD),
        "text/csv",
    )
    expect(page.get_by_label("Firma", exact=True)).to_have_value("trade_name")
    check_and_confirm(page)
    expect(page.locator('[data-count="create"]')).to_have_text("3")

    page.get_by_role("link", name="Naar de werkgevers").click()
    expect(page.get_by_role("link", name="Café De Zwaan")).to_be_visible()
    expect(page.get_by_role("link", name="Metaalbewerking Één")).to_be_visible()
    assert Employer.objects.get(kvk_number="23456789").postcode == "5171 AB"

    # --- Job seekers: an Excel file with an invalid BSN and an unknown "Werkuren" column.
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    upload(
        page,
        live_server,
        "Werkzoekenden",
        "klanten.xlsx",
        jobseekers_xlsx([*JOBSEEKER_GOOD, JOBSEEKER_BAD]),
        xlsx,
    )
    expect(page.get_by_label("Burgerservicenummer", exact=True)).to_have_value("bsn")
    expect(page.get_by_label("Klantnummer", exact=True)).to_have_value("")
    choose_column(page, "Werkuren", "Beschikbare uren per week")
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Controle voor het importeren")
    errors = page.get_by_role("table", name="Fouten per rij")
    expect(errors).to_contain_text("elfproef")
    assert any(
        row == "5" and column == "Burgerservicenummer" and "elfproef" in message
        for row, column, message in issues(errors)
    ), issues(errors)
    html = page.content()
    for bsn in [*BSNS, INVALID_BSN]:
        assert bsn not in html
    expect(page.get_by_role("button", name="Bevestigen en importeren")).to_be_disabled()

    corrected_jobseekers = (
        "Werkzoekenden",
        "klanten-verbeterd.xlsx",
        jobseekers_xlsx(JOBSEEKER_GOOD),
        xlsx,
    )
    import_file(page, live_server, *corrected_jobseekers, hours_column=True)
    expect(page.locator('[data-count="create"]')).to_have_text("3")
    page.get_by_role("link", name="Naar de werkzoekenden").click()
    expect(page.get_by_role("link", name=re.compile("Kuipers"))).to_be_visible()
    assert JobSeeker.objects.count() == 3
    assert JobSeeker.objects.get(last_name="Yilmaz").birth_date == datetime.date(1996, 5, 4)

    # --- The same files again: nothing is created or changed.
    corrected_employers = (
        "Werkgevers",
        "crm-export-verbeterd.csv",
        employers_csv(EMPLOYER_GOOD),
        "text/csv",
    )
    for again, hours_column in ((corrected_employers, False), (corrected_jobseekers, True)):
        import_file(page, live_server, *again, hours_column=hours_column)
        expect(page.locator('[data-count="create"]')).to_have_text("0")
        expect(page.locator('[data-count="update"]')).to_have_text("0")
    assert Employer.objects.count() == 3 and JobSeeker.objects.count() == 3


def test_the_import_pages_pass_axe_at_phone_and_desktop_width(
    live_server, page, coordinator, heusden
):
    """Every page of the import in each state, at both widths: axe (serious and critical), no
    sideways scroll; screenshots with BB_SCREENSHOTS."""
    from imports.models import ImportJob, ImportKind, ImportStatus
    from tests.imports.test_pages import job_with_results

    ready = job_with_results(coordinator)
    running = ImportJob.objects.create(
        kind=ImportKind.EMPLOYERS,
        status=ImportStatus.IMPORTING,
        filename="werkgevers.csv",
        file_format="csv",
        total_rows=50_000,
        processed_rows=12_500,
        created_by=coordinator,
    )
    done = ImportJob.objects.create(
        kind=ImportKind.EMPLOYERS,
        status=ImportStatus.DONE,
        filename="crm-export.csv",
        file_format="csv",
        total_rows=3,
        processed_rows=3,
        counts={"create": 3, "update": 0, "skip": 1, "error": 0},
        created_by=coordinator,
    )
    log_in(page, live_server, coordinator)
    # The mapping page reads the uploaded file: upload one through the page.
    page.set_viewport_size(DESKTOP)
    upload(
        page, live_server, "Werkgevers", "crm-export.csv", employers_csv(EMPLOYER_GOOD), "text/csv"
    )
    mapping_url = page.url
    pages = {
        "index": "/imports/",
        "new": "/imports/new/",
        "mapping": mapping_url,
        "preview": f"/imports/{ready.pk}/preview/",
        "progress": f"/imports/{running.pk}/progress/",
        "cancel": f"/imports/{running.pk}/cancel/",
        "report": f"/imports/{done.pk}/report/",
        "export": "/imports/export/",
    }
    axe = Axe()
    for width_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        for name, path in pages.items():
            url = path if path.startswith("http") else f"{live_server.url}{path}"
            page.goto(url)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert_accessible(page, axe)
            no_sideways_scroll(page)
            shot(page, name, width_name)
    # The upload form's errors, and the export's, pass too.
    page.goto(f"{live_server.url}/imports/new/")
    page.get_by_role("button", name="Uploaden en verder").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, axe)
    shot(page, "new-errors", "phone")
