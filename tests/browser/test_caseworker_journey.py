"""Issue 11's decisive walk: one caseworker takes one person from first contact to lasting work.

Karin logs in with her authenticator, opens a file for Ricardo (first contact: file, note,
consents), signs him up for a company visit from his file, writes the visit's report with a
click, proposes him by hand to the company's development placement, arranges the placement,
corrects it before and after the start, extends and evaluates it, finishes it with paid work,
records the job, and answers the 6- and 12-month "still working?" checks from her to-do list. The
dashboard (exact figures for staff) says "still working" only after those answers. The person's
file passes axe at the end.

No worker runs here: what beat would do (the follow-up rules, the statistics roll-up) is called
in-process. Time travels only through the data: the job is recorded with a start date a year
ago, the visit is moved to this morning, the follow-up rules are applied "on" the due dates.
``BB_SCREENSHOTS=<dir>`` keeps a screenshot of each step.
"""

import datetime
import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from baanbrekers.disclosure import NOT_SHOWN
from baanbrekers.followups import followup_rules_apply, local_midnight
from employers.models import OpeningKind
from jobseekers.models import JobSeeker
from placements.models import DevelopmentPlacement, JobCheck, JobOutcome, PlacementStatus
from placements.services import add_months
from stats import services as stats_services
from tests.browser.test_portal import assert_accessible
from tests.employers.factories import EmployerContactFactory, OpeningFactory
from tests.users import PASSWORD, totp_code
from tests.visits.factories import VisitFactory
from visits.models import Click, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("BB_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"journey-{name}.png"), full_page=True)


def _choose(select, text: str) -> None:
    """Chooses the option whose label contains ``text``, as a user reads the list."""
    option = select.locator("option").filter(has_text=text).first
    select.select_option(option.get_attribute("value"))


def _iso(day: datetime.date) -> str:
    return day.isoformat()


def _log_in_with_totp(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label(re.compile("Code|Authenticatorcode", re.I)).fill(totp_code())
    page.get_by_role("button", name=re.compile("Aanmelden|Inloggen", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Karin")


def _dashboard_figures(page, live_server, since: datetime.date) -> dict[str, str]:
    """The dashboard from the main navigation, from the month the job started."""
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Dashboard"
    ).click()
    page.get_by_label("Vanaf", exact=True).fill(since.strftime("%Y-%m"))
    page.get_by_label("Gemeente of regio", exact=True).select_option(label="Heusden")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cijfers: Heusden")
    return {
        key: page.locator(f"[data-figure={key}]").inner_text().strip()
        for key in ("still_working_6m", "still_working_12m")
    }


def test_a_caseworker_walks_one_person_from_first_contact_to_lasting_work(
    live_server, page, caseworker_heusden, heusden, bakery_heusden
):
    today = timezone.localdate()
    EmployerContactFactory(employer=bakery_heusden, name="Hanneke Meel")
    OpeningFactory(
        employer=bakery_heusden,
        kind=OpeningKind.PLACEMENT,
        title="Ontwikkelplek bakkerij",
        competences=["bakken"],
    )
    visit = VisitFactory(
        employer=bakery_heusden,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        capacity=4,
    )
    # The job is recorded a year back, so that both checks are due today; the dashboard shows
    # from the month it started.
    job_start = add_months(today, -12) - datetime.timedelta(days=3)
    stats_services.figures_rebuild()

    # --- First contact: log in, open a file, a note, the consents --------------------------------
    _log_in_with_totp(page, live_server, caseworker_heusden)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Werkzoekenden"
    ).click()
    page.get_by_role("link", name="Nieuwe werkzoekende").click()
    page.get_by_label("Voornaam").fill("Ricardo")
    page.get_by_label("Achternaam").fill("van Dongen")
    page.get_by_label("BSN").fill("111222333")
    page.get_by_label("Geboortedatum").fill("1990-04-12")
    page.get_by_label("Postcode").fill("5251 AB")
    page.get_by_label("Gemeente").select_option(label="Heusden")
    _choose(page.get_by_label("Klantmanager"), "Karin")
    page.get_by_label("Vaardigheden").fill("bakken, koken")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het dossier van de werkzoekende is aangemaakt.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ricardo van Dongen")
    person = JobSeeker.objects.get(last_name="van Dongen")
    file_url = page.url

    page.get_by_label("Nieuwe notitie").fill("Eerste gesprek: wil graag bakken, 's ochtends vroeg.")
    page.get_by_role("button", name="Notitie toevoegen").click()
    timeline = page.get_by_test_id("file-timeline")
    expect(timeline.get_by_text("Eerste gesprek: wil graag bakken")).to_be_visible()
    for kind in ("Een anoniem profiel", "Meegaan op bedrijfsbezoeken", "Voorgesteld worden"):
        _choose(page.get_by_label("Toestemming voor"), kind)
        page.get_by_label("Gegeven op").fill(_iso(today))
        page.get_by_label(re.compile("^Geldig tot")).fill(
            _iso(today + datetime.timedelta(days=365))
        )
        page.get_by_role("button", name="Toestemming vastleggen").click()
        expect(page.get_by_text("De toestemming is vastgelegd.")).to_be_visible()
    _shot(page, "01-file")

    # --- The visit: signed up from the file, the report with a click -----------------------------
    actions = page.get_by_test_id("file-actions")
    actions.get_by_text("Aanmelden voor een bezoek").click()
    actions.get_by_role("button", name=re.compile("^Bakkerij De Korenschoof")).click()
    expect(page.get_by_text(re.compile("is aangemeld"))).to_be_visible()
    # The visit took place this morning.
    Visit.objects.filter(pk=visit.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=3))
    page.goto(f"{live_server.url}/visits/{visit.pk}/")
    page.get_by_role("link", name="Verslag schrijven").click()
    page.get_by_role("textbox", name=re.compile("^Wat we geleerd hebben")).fill(
        "Ze zoeken iemand die vroeg wil beginnen."
    )
    page.get_by_label(re.compile("Klik: Ricardo van Dongen")).check()
    page.get_by_label("Toelichting bij de klik met Ricardo van Dongen").fill("Wil meedraaien")
    page.get_by_role("button", name="Verslag opslaan").click()
    expect(
        page.get_by_text("Het verslag is opgeslagen en de opvolgacties zijn ingepland.")
    ).to_be_visible()
    assert Click.objects.get().jobseeker == person

    # --- Proposed by hand from the file ----------------------------------------------------------
    page.goto(file_url)
    expect(timeline.get_by_role("link", name=re.compile("Klik met"))).to_be_visible()
    page.get_by_role("link", name="Voordragen voor een aanbod").click()
    page.get_by_label("Aanbod").select_option(
        label="Ontwikkelplek bakkerij bij Bakkerij De Korenschoof (ontwikkelplek)"
    )
    page.get_by_label("Waarom deze persoon").fill("Klikte tijdens het bezoek met de bakker.")
    page.get_by_role("button", name="Voordragen").click()
    expect(page.get_by_text("Ricardo van Dongen is voorgedragen.")).to_be_visible()
    page.get_by_label("Geïnteresseerd").check()
    page.get_by_role("button", name="Antwoord vastleggen").click()
    expect(page.get_by_text("Het antwoord is vastgelegd.")).to_be_visible()

    # --- The development placement: arranged, corrected before and after the start --------------
    page.get_by_role("link", name="Ontwikkelplek regelen").click()
    _choose(page.get_by_label("Begeleider in het bedrijf"), "Hanneke Meel")
    page.get_by_label(re.compile(r"^Start")).fill(_iso(today))
    page.get_by_label("Uren per week").fill("16")
    page.get_by_label("Leerdoelen").fill("Deeg maken en op tijd beginnen")
    page.get_by_label("Verzekering geregeld").check()
    page.get_by_role("button", name="Ontwikkelplek voorstellen").click()
    status = page.get_by_test_id("placement-status")
    expect(status).to_have_text("Voorgesteld")

    page.get_by_role("link", name="Afspraken wijzigen").click()
    page.get_by_label("Uren per week").fill("20")
    page.get_by_role("button", name=re.compile("opslaan", re.I)).click()
    expect(page.get_by_text("De afspraken zijn opgeslagen.")).to_be_visible()
    hours = page.locator("dt:text-is('Uren per week') + dd")
    expect(hours).to_have_text("20")

    page.get_by_label("Hoe verdringing is uitgesloten").fill("Extra plek naast de vaste ploeg")
    page.get_by_role("button", name="Controle op verdringing vastleggen").click()
    page.get_by_role("button", name="Ontwikkelplek afspreken").click()
    expect(status).to_have_text("Afgesproken")
    page.get_by_role("button", name="Ontwikkelplek starten").click()
    expect(status).to_have_text("Lopend")

    page.get_by_role("link", name="Afspraken corrigeren").click()
    page.get_by_label("Uren per week").fill("24")
    page.get_by_label("Reden van de correctie").fill("Werkt ook op zaterdag")
    page.get_by_role("button", name=re.compile("opslaan", re.I)).click()
    expect(page.get_by_text("De afspraken zijn opgeslagen.")).to_be_visible()
    expect(hours).to_have_text("24")
    expect(status).to_have_text("Lopend")

    placement = DevelopmentPlacement.objects.get(jobseeker=person)
    assert placement.hours_per_week == 24
    new_end = placement.planned_end_date + datetime.timedelta(days=30)
    page.get_by_label("Nieuwe geplande einddatum").fill(_iso(new_end))
    page.get_by_role("button", name="Verlengen").click()
    expect(page.get_by_text("De ontwikkelplek is verlengd.")).to_be_visible()
    expect(page.get_by_text("(verlengd)")).to_be_visible()

    page.get_by_label("Moment").select_option(index=1)
    page.get_by_label("Door").select_option(index=1)
    page.get_by_label(re.compile("^Datum")).last.fill(_iso(today))
    page.get_by_label("Voortgang op de leerdoelen").fill("Staat elke ochtend op tijd aan het deeg.")
    page.get_by_role("button", name="Evaluatie vastleggen").click()
    expect(page.get_by_text("De evaluatie is vastgelegd.")).to_be_visible()
    expect(page.get_by_text("Staat elke ochtend op tijd aan het deeg.")).to_be_visible()
    _shot(page, "02-placement")

    # --- Finished with paid work, which leads straight into recording the job --------------------
    page.get_by_label("Uitkomst").first.select_option(label="Betaald werk bij deze werkgever")
    page.get_by_role("button", name="Ontwikkelplek afronden").click()
    expect(page.get_by_text("De ontwikkelplek is afgerond.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Betaald werk voor Ricardo van Dongen"
    )
    expect(page.get_by_text("Na de ontwikkelplek bij Bakkerij De Korenschoof.")).to_be_visible()
    page.get_by_label("Contract").select_option(label="Vast contract")
    page.get_by_label(re.compile(r"^Start")).fill(_iso(job_start))
    page.get_by_role("button", name="Betaald werk vastleggen").click()
    expect(page.get_by_text(re.compile("Betaald werk is vastgelegd voor Ricardo"))).to_be_visible()
    expect(status).to_have_text("Afgerond")
    # The placement now points to its job, and does not offer to record it again.
    expect(page.get_by_test_id("placement-job").get_by_role("link")).to_have_text(
        "Bakkerij De Korenschoof"
    )
    expect(page.get_by_test_id("record-job")).to_have_count(0)
    job = JobOutcome.objects.get(jobseeker=person)
    assert job.placement_id == placement.pk

    # --- The dashboard before the checks are answered --------------------------------------------
    stats_services.figures_update()
    before = _dashboard_figures(page, live_server, job_start)
    # Nobody answered yet: no share to show (not a guess from the person's status).
    assert before == {"still_working_6m": NOT_SHOWN, "still_working_12m": NOT_SHOWN}, before

    # --- The 6- and 12-month checks, answered from the to-do list --------------------------------
    for months in (6, 12):
        due = add_months(job_start, months)
        followup_rules_apply(now=local_midnight(due) + datetime.timedelta(hours=9))
        page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
            "link", name="Opvolgacties"
        ).click()
        item = page.locator(".bb-todo__item").filter(
            has_text=f"Werkt Ricardo v. {months} maanden na de start nog bij Bakkerij De Korenschoof?"
        )
        expect(item.get_by_role("link", name="Ricardo van Dongen")).to_be_visible()
        item.get_by_role("link", name="Antwoord vastleggen").click()
        page.get_by_label("Ja, werkt er nog").check()
        page.get_by_role("button", name="Antwoord vastleggen").click()
        expect(page.get_by_text("Het antwoord is vastgelegd.")).to_be_visible()
    _shot(page, "03-job")
    assert set(JobCheck.objects.values_list("months", "still_working")) == {(6, True), (12, True)}

    # --- The dashboard moved with the answers ----------------------------------------------------
    stats_services.figures_update()
    after = _dashboard_figures(page, live_server, job_start)
    assert after == {"still_working_6m": "100", "still_working_12m": "100"}, after
    _shot(page, "04-dashboard")

    # --- The file tells the whole story, and passes axe ------------------------------------------
    page.goto(file_url)
    for entry in (
        "Eerste gesprek",
        "Klik met",
        "Voorgedragen voor Ontwikkelplek bakkerij",
        "Evaluatie",
        "Betaald werk bij Bakkerij De Korenschoof",
        "Na 6 maanden nog aan het werk?",
        "Na 12 maanden nog aan het werk?",
    ):
        expect(timeline.get_by_text(re.compile(entry)).first).to_be_visible()
    assert DevelopmentPlacement.objects.get().status == PlacementStatus.COMPLETED
    assert_accessible(page, Axe())
    _shot(page, "05-file-end")
