import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baanbrekers.services import skills_from_names
from employers.models import (
    ContactMoment,
    Employer,
    EmployerStatus,
    Opening,
    OpeningStatus,
    Referral,
)

from .factories import (
    ContactMomentFactory,
    EmployerContactFactory,
    EmployerFactory,
    OpeningFactory,
    ReferralFactory,
    SectorFactory,
)

VALID_EMPLOYER = {
    "trade_name": "Schoenfabriek De Langstraat",
    "kvk_number": "87654321",
    "status": "prospect",
    "story_what": "Wij maken handgenaaide schoenen.",
    "valued_skills": "vakmanschap, precisie",
    "postcode": "5142ab",
    "city": "Waalwijk",
}


# --- Who may open the pages ---------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, bakery_heusden):
    for url in ["/employers/", f"/employers/{bakery_heusden.pk}/", "/employers/new/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["alderman", "employer_contact_a"])
def test_aldermen_and_employer_contacts_have_no_back_office_pages(
    client, request, who, bakery_heusden, contact_a_at_bakery
):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/employers/").status_code == 403
    # Not even their own company: the portal is their face of it.
    assert client.get(f"/employers/{bakery_heusden.pk}/").status_code == 403


def test_caseworker_gets_404_for_an_employer_in_another_municipality(
    client, caseworker_waalwijk, bakery_heusden
):
    opening = OpeningFactory(employer=bakery_heusden)
    referral = ReferralFactory(referring_employer=bakery_heusden)
    contact = EmployerContactFactory(employer=bakery_heusden)
    client.force_login(caseworker_waalwijk)
    pk = bakery_heusden.pk
    for url in [
        f"/employers/{pk}/",
        f"/employers/{pk}/edit/",
        f"/employers/{pk}/openings/new/",
        f"/employers/{pk}/openings/{opening.pk}/edit/",
        f"/employers/{pk}/contacts/{contact.pk}/edit/",
        f"/employers/{pk}/referrals/{referral.pk}/edit/",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/employers/{pk}/contact-moments/",
        f"/employers/{pk}/openings/{opening.pk}/close/",
        f"/employers/{pk}/referrals/{referral.pk}/convert/",
    ]:
        assert client.post(url, {"kind": "phone", "summary": "x"}).status_code == 404, url
    assert not ContactMoment.objects.exists()
    assert Referral.objects.get().status == "new"


def test_guessed_child_id_of_another_employer_is_404(
    client, caseworker_heusden, bakery_heusden, metal_waalwijk
):
    own = EmployerFactory(municipality=bakery_heusden.municipality)
    foreign_opening = OpeningFactory(employer=metal_waalwijk)
    other_opening = OpeningFactory(employer=own)
    client.force_login(caseworker_heusden)
    # An opening id that exists, but under another employer, is not found under this one.
    assert (
        client.get(f"/employers/{bakery_heusden.pk}/openings/{other_opening.pk}/edit/").status_code
        == 404
    )
    assert (
        client.get(
            f"/employers/{bakery_heusden.pk}/openings/{foreign_opening.pk}/edit/"
        ).status_code
        == 404
    )


def test_coordinator_sees_every_municipality(client, coordinator, bakery_heusden, metal_waalwijk):
    client.force_login(coordinator)
    html = client.get("/employers/").content.decode()
    assert "Bakkerij De Korenschoof" in html and "Metaalwerkplaats Van Dongen" in html
    assert client.get(f"/employers/{metal_waalwijk.pk}/").status_code == 200


def test_navigation_shows_employers_to_the_back_office_only(client, caseworker_heusden, alderman):
    client.force_login(caseworker_heusden)
    assert "/employers/" in [i["url"] for i in client.get("/").context["nav_items"]]
    client.force_login(alderman)
    assert "/employers/" not in [i["url"] for i in client.get("/").context["nav_items"]]


# --- The employer page ----------------------------------------------------------------------


def test_employer_page_leads_with_the_story(client, caseworker_heusden, bakery_heusden):
    OpeningFactory(employer=bakery_heusden, title="Bakkerhulp")
    ContactMomentFactory(employer=bakery_heusden, summary="Kennismaking met de eigenaar")
    EmployerContactFactory(employer=bakery_heusden, name="Ans Verhoeven")
    client.force_login(caseworker_heusden)
    html = client.get(f"/employers/{bakery_heusden.pk}/").content.decode()
    story = html.index("We maken brood en banket")
    assert story < html.index("Ans Verhoeven") < html.index("Bakkerhulp")
    assert html.index("Bakkerhulp") < html.index("Kennismaking met de eigenaar")
    assert "style=" not in html


def test_employer_page_invites_a_story_when_there_is_none(
    client, caseworker_heusden, bakery_heusden
):
    bakery_heusden.story_what = ""
    bakery_heusden.save()
    client.force_login(caseworker_heusden)
    html = client.get(f"/employers/{bakery_heusden.pk}/").content.decode()
    assert "Nog geen verhaal" in html


# --- Forms ------------------------------------------------------------------------------


def test_create_employer_normalises_postcode_and_lands_on_its_page(
    client, caseworker_heusden, waalwijk, heusden
):
    client.force_login(caseworker_heusden)
    response = client.post("/employers/new/", {**VALID_EMPLOYER, "municipality": heusden.pk})
    employer = Employer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/employers/{employer.pk}/"
    assert employer.postcode == "5142 AB"
    assert {s.name for s in employer.valued_skills.all()} == {"vakmanschap", "precisie"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kvk_number", "1234567", "precies 8 cijfers"),
        ("kvk_number", "1234567a", "precies 8 cijfers"),
        ("postcode", "51421", "vier cijfers en twee letters"),
        ("postcode", "5142 SS", "SA, SD of SS"),
    ],
)
def test_bad_kvk_or_postcode_gives_a_dutch_error_next_to_the_field_and_keeps_input(
    client, caseworker_heusden, heusden, field, value, message
):
    client.force_login(caseworker_heusden)
    data = {**VALID_EMPLOYER, "municipality": heusden.pk, field: value}
    response = client.post("/employers/new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert "Wij maken handgenaaide schoenen." in html  # what was typed is kept
    assert f'value="{value}"' in html
    assert not Employer.objects.exists()


def test_duplicate_kvk_number_is_refused_in_dutch(client, caseworker_heusden, bakery_heusden):
    client.force_login(caseworker_heusden)
    data = {
        **VALID_EMPLOYER,
        "kvk_number": bakery_heusden.kvk_number,
        "municipality": bakery_heusden.municipality_id,
    }
    response = client.post("/employers/new/", data)
    assert "al een werkgever met dit KvK-nummer" in response.context["form"].errors["kvk_number"][0]
    assert Employer.objects.count() == 1


def test_caseworker_cannot_register_an_employer_elsewhere(client, caseworker_heusden, waalwijk):
    client.force_login(caseworker_heusden)
    response = client.post("/employers/new/", {**VALID_EMPLOYER, "municipality": waalwijk.pk})
    assert "municipality" in response.context["form"].errors
    assert not Employer.objects.exists()


def test_edit_employer_keeps_tags_and_saves_the_story(client, caseworker_heusden, bakery_heusden):
    bakery_heusden.valued_skills.set(skills_from_names(["Vroeg op"]))
    client.force_login(caseworker_heusden)
    form = client.get(f"/employers/{bakery_heusden.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["valued_skills"] = form["valued_skills"].value()
    data["story_passion"] = "Ambachtelijk brood, elke nacht vers."
    data["postcode"] = "5251ab"
    for key in ("municipality", "sector", "relationship_owner"):
        data[key] = data.get(key) or ""
    response = client.post(f"/employers/{bakery_heusden.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    bakery_heusden.refresh_from_db()
    assert bakery_heusden.story_passion == "Ambachtelijk brood, elke nacht vers."
    assert bakery_heusden.postcode == "5251 AB"
    assert [s.name for s in bakery_heusden.valued_skills.all()] == ["Vroeg op"]


def test_opening_with_end_before_start_is_refused(client, caseworker_heusden, bakery_heusden):
    client.force_login(caseworker_heusden)
    response = client.post(
        f"/employers/{bakery_heusden.pk}/openings/new/",
        {
            "kind": "placement",
            "title": "Ontwikkelplek bakkerij",
            "places": 1,
            "start_date": "2026-03-01",
            "end_date": "2026-02-01",
            "competences": "deeg kneden",
        },
    )
    assert "voor het begin" in response.context["form"].errors["end_date"][0]
    assert not Opening.objects.exists()
    response = client.post(
        f"/employers/{bakery_heusden.pk}/openings/new/",
        {
            "kind": "placement",
            "title": "Ontwikkelplek bakkerij",
            "places": 1,
            "competences": "deeg kneden, samenwerken",
            "location_postcode": "5251ab",
        },
    )
    assert response.status_code == 302
    opening = Opening.objects.get()
    assert opening.location_postcode == "5251 AB"
    assert opening.competences.count() == 2


def test_contact_person_is_added_and_audited(client, caseworker_heusden, bakery_heusden):
    client.force_login(caseworker_heusden)
    response = client.post(
        f"/employers/{bakery_heusden.pk}/contacts/new/",
        {"name": "Ans Verhoeven", "role": "HR", "email": "niet-een-adres"},
    )
    assert "email" in response.context["form"].errors
    response = client.post(
        f"/employers/{bakery_heusden.pk}/contacts/new/",
        {"name": "Ans Verhoeven", "role": "HR", "email": "ans@example.org"},
    )
    assert response.status_code == 302
    from baanbrekers.models import AuditEvent

    assert AuditEvent.objects.filter(
        action="create", object_type="employers.EmployerContact"
    ).exists()


# --- Contact moments in place ----------------------------------------------------------------


def test_contact_moment_with_htmx_returns_the_timeline_fragment(
    client, caseworker_heusden, bakery_heusden
):
    ContactMomentFactory(employer=bakery_heusden, summary="Eerder gesprek")
    client.force_login(caseworker_heusden)
    response = client.post(
        f"/employers/{bakery_heusden.pk}/contact-moments/",
        {"happened_at": "2026-11-20T10:30", "kind": "visit", "summary": "Rondleiding gehad"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<section class="bb-section" id="timeline"')
    assert html.index("Rondleiding gehad") > html.index("</form>")
    assert "Eerder gesprek" in html
    moment = ContactMoment.objects.get(summary="Rondleiding gehad")
    assert moment.author == caseworker_heusden
    assert moment.kind == "visit"


def test_contact_moment_errors_stay_in_the_fragment(client, caseworker_heusden, bakery_heusden):
    client.force_login(caseworker_heusden)
    response = client.post(
        f"/employers/{bakery_heusden.pk}/contact-moments/",
        {"happened_at": "2026-11-20T10:30", "kind": "phone", "summary": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_summary_error"' in html and "Dit veld is vereist" in html
    assert not ContactMoment.objects.exists()


def test_contact_moment_without_javascript_redirects_back(
    client, caseworker_heusden, bakery_heusden
):
    client.force_login(caseworker_heusden)
    response = client.post(
        f"/employers/{bakery_heusden.pk}/contact-moments/",
        {"happened_at": "2026-11-20T10:30", "kind": "phone", "summary": "Gebeld"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/employers/{bakery_heusden.pk}/#timeline"
    response = client.post(
        f"/employers/{bakery_heusden.pk}/contact-moments/",
        {"happened_at": "", "kind": "phone", "summary": "Zonder datum"},
    )
    assert response.status_code == 400
    assert "Zonder datum" in response.content.decode()  # kept in the form
    assert ContactMoment.objects.count() == 1


# --- Referrals -------------------------------------------------------------------------------


def test_referral_turns_into_a_prospect_with_one_click(client, caseworker_heusden, bakery_heusden):
    client.force_login(caseworker_heusden)
    response = client.post(
        f"/employers/{bakery_heusden.pk}/referrals/new/",
        {
            "company_name": "Hoveniersbedrijf Groen",
            "need": "Zoekt een hovenier voor het voorjaar",
            "kvk_number": "33333333",
            "postcode": "5256ab",
            "contact_name": "Piet Groen",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.municipality == bakery_heusden.municipality
    response = client.post(f"/employers/{bakery_heusden.pk}/referrals/{referral.pk}/convert/")
    prospect = Employer.objects.get(kvk_number="33333333")
    assert response["Location"] == f"/employers/{prospect.pk}/"
    assert prospect.status == EmployerStatus.PROSPECT
    assert prospect.postcode == "5256 AB"
    page = client.get(response["Location"]).content.decode()
    assert "Hoveniersbedrijf Groen" in page
    assert "Zoekt een hovenier voor het voorjaar" in page


def test_referral_of_a_known_company_leads_to_it(client, caseworker_heusden, bakery_heusden):
    known = EmployerFactory(municipality=bakery_heusden.municipality, trade_name="Al Bekend")
    referral = ReferralFactory(referring_employer=bakery_heusden, kvk_number=known.kvk_number)
    client.force_login(caseworker_heusden)
    response = client.post(
        f"/employers/{bakery_heusden.pk}/referrals/{referral.pk}/convert/", follow=True
    )
    assert response.redirect_chain[-1][0] == f"/employers/{known.pk}/"
    assert "al een werkgever met KvK-nummer" in response.content.decode()
    assert Employer.objects.count() == 2


# --- The list: search, filters, sorting, query count ------------------------------------------


@pytest.fixture
def listing(heusden, loon_op_zand, caseworker_heusden):
    caseworker_heusden.municipalities.add(loon_op_zand)
    section = SectorFactory(code="C", label="Industrie")
    food = SectorFactory(code="10.71", label="Brood en banket", parent=section)
    care = SectorFactory(code="Q", label="Zorg")
    bakery = EmployerFactory(
        trade_name="Bakkerij Van Gils",
        kvk_number="40000001",
        postcode="5151 AB",
        municipality=heusden,
        sector=food,
        status=EmployerStatus.ACTIVE,
        relationship_owner=caseworker_heusden,
    )
    bakery.valued_skills.set(skills_from_names(["Vroeg opstaan"]))
    care_home = EmployerFactory(
        trade_name="Zorgcentrum Den Bosch",
        kvk_number="40000002",
        postcode="5171 XY",
        municipality=loon_op_zand,
        sector=care,
        status=EmployerStatus.PROSPECT,
    )
    opening = OpeningFactory(employer=care_home)
    opening.competences.set(skills_from_names(["Geduld"]))
    return {"bakery": bakery, "care": care_home, "section": section}


def _names(client, query):
    response = client.get(f"/employers/?{query}")
    assert response.status_code == 200
    return [row["name"] for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=gils", ["Bakkerij Van Gils"]),
        ("q=40000002", ["Zorgcentrum Den Bosch"]),
        ("q=4000000", ["Bakkerij Van Gils", "Zorgcentrum Den Bosch"]),
        ("q=5171xy", ["Zorgcentrum Den Bosch"]),
        ("q=5151", ["Bakkerij Van Gils"]),
        ("q=vroeg", ["Bakkerij Van Gils"]),  # a valued competence
        ("q=geduld", ["Zorgcentrum Den Bosch"]),  # sought in an open opening
        ("skill=Geduld", ["Zorgcentrum Den Bosch"]),
        ("status=prospect", ["Zorgcentrum Den Bosch"]),
        ("sector=SECTION", ["Bakkerij Van Gils"]),  # the section finds its finer codes
        ("owner=OWNER", ["Bakkerij Van Gils"]),
        ("municipality=LOON", ["Zorgcentrum Den Bosch"]),
        ("sort=-name", ["Zorgcentrum Den Bosch", "Bakkerij Van Gils"]),
        ("sort=openings", ["Bakkerij Van Gils", "Zorgcentrum Den Bosch"]),
        ("sort=nonsense", ["Bakkerij Van Gils", "Zorgcentrum Den Bosch"]),
    ],
)
def test_search_filters_and_sorting(
    client, caseworker_heusden, loon_op_zand, listing, query, expected
):
    query = (
        query.replace("SECTION", str(listing["section"].pk))
        .replace("OWNER", str(caseworker_heusden.pk))
        .replace("LOON", str(loon_op_zand.pk))
    )
    client.force_login(caseworker_heusden)
    assert _names(client, query) == expected


def test_filtering_with_htmx_returns_only_the_results(client, caseworker_heusden, listing):
    client.force_login(caseworker_heusden)
    response = client.get("/employers/?q=gils", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<table" in html and "Van Gils" in html


def _list_queries(client, n_extra: int, municipality) -> int:
    for _ in range(n_extra):
        employer = EmployerFactory(municipality=municipality, sector=SectorFactory())
        employer.valued_skills.set(skills_from_names(["Teamwerk", "Punctueel"]))
        OpeningFactory(employer=employer)
        ContactMomentFactory(employer=employer)
        EmployerContactFactory(employer=employer)
    client.get("/employers/")  # warm up the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/employers/?per_page=50")
    assert response.status_code == 200
    # Session bookkeeping of the login (allauth's user sessions) is not the page's doing.
    return len([q for q in ctx.captured_queries if "session" not in q["sql"].split(" WHERE ")[0]])


def test_list_page_query_count_does_not_grow_with_rows(client, caseworker_heusden, heusden):
    client.force_login(caseworker_heusden)
    few = _list_queries(client, 2, heusden)
    many = _list_queries(client, 30, heusden)
    assert few == many
    # The user (twice, with a savepoint), a count, the rows, their tags and the filters'
    # three choice lists.
    assert many <= 10


def test_list_row_shows_tags_place_sector_status_owner_offers_and_last_contact(
    client, caseworker_heusden, listing
):
    bakery = listing["bakery"]
    bakery.valued_skills.set(
        skills_from_names(["Vroeg opstaan", "Bakken", "Zorgvuldig", "Teamwerk", "Punctueel"])
    )
    bakery.city = "Drunen"  # a place in the municipality of Heusden
    bakery.save(update_fields=["city"])
    OpeningFactory(employer=bakery)
    OpeningFactory(employer=bakery, status=OpeningStatus.CLOSED)
    # Late on 4 March in UTC is 5 March in the Netherlands.
    ContactMomentFactory(
        employer=bakery, happened_at=dt.datetime(2026, 3, 4, 23, 30, tzinfo=dt.UTC)
    )
    ContactMomentFactory(employer=bakery, happened_at=dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC))
    client.force_login(caseworker_heusden)
    html = client.get("/employers/?q=gils").content.decode()
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    # The first four competences by name (in the database's order), of five.
    first_four = list(bakery.valued_skills.order_by("name").values_list("name", flat=True)[:4])
    assert re.findall(r'<li class="bb-tag">([^<]*)</li>', row) == first_four
    cells = [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    assert f'href="/employers/{bakery.pk}/"' in cells[0]
    assert cells[1:] == [
        "40000001",
        'Heusden<br><span class="bb-muted">Drunen</span>',
        "Brood en banket",
        '<span class="bb-status bb-status--active">Actieve relatie</span>',
        "Karin",
        "1",
        "5 maart 2026",
    ]


def test_list_row_without_sector_owner_or_contact_shows_dashes(client, caseworker_heusden, listing):
    listing["care"].city = "Loon op Zand"  # the municipality's own name is not repeated
    listing["care"].save(update_fields=["city"])
    client.force_login(caseworker_heusden)
    html = client.get("/employers/?q=40000002").content.decode()
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    cells = [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    # Zorgcentrum: a sector, no owner, one open offer (from the fixture), never contacted.
    assert cells[3:] == [
        "Zorg",
        '<span class="bb-status bb-status--prospect">Prospect</span>',
        "—",
        "1",
        "—",
    ]
    assert cells[2] == "Loon op Zand"


def test_list_page_queries_do_not_depend_on_filters_or_page_size(
    client, coordinator, listing, heusden
):
    """The filters' choices are read once, to draw them and to check what was chosen: choosing
    a municipality, sector or owner adds no query."""
    client.force_login(coordinator)
    client.get("/employers/")  # warm up the session
    counts = {}
    for query in [
        "",
        "per_page=100",
        "page=2",
        f"municipality={heusden.pk}&status=active",
        f"sector={listing['section'].pk}&sort=-sector",
        f"owner={listing['bakery'].relationship_owner_id}",
        "q=gils&sort=last_contact",
    ]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/employers/?{query}")
        assert response.status_code == 200
        assert response.context["rows"], query
        counts[query] = len(
            [q for q in ctx.captured_queries if "session" not in q["sql"].split(" WHERE ")[0]]
        )
    assert len(set(counts.values())) == 1, counts


def test_filtering_on_a_municipality_outside_ones_own_is_an_error_next_to_the_field(
    client, caseworker_heusden, listing, waalwijk
):
    client.force_login(caseworker_heusden)
    response = client.get(f"/employers/?municipality={waalwijk.pk}&owner=nobody")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"municipality", "owner"}
    assert "Selecteer een geldige keuze" in form.errors["municipality"][0]
    # The list is not narrowed by a filter that is not valid.
    assert len(response.context["rows"]) == 2
    html = response.content.decode()
    assert "utrecht-form-field--invalid" in html
    select = html[html.index('<select name="municipality"') :]
    select = select[: select.index("</select>")]
    assert f'<option value="{waalwijk.pk}"' not in select


# --- Admin ---------------------------------------------------------------------------------


def test_admin_is_for_coordinators_and_read_only_for_employers(
    client, coordinator, caseworker_heusden, bakery_heusden
):
    """The employer file changes on the pages, through employers.services (the relationship
    owner rule, audited contacts); the admin shows it."""
    client.force_login(caseworker_heusden)
    assert client.get("/admin/employers/employer/", follow=True).status_code == 403
    client.force_login(coordinator)
    assert client.get("/admin/employers/employer/").status_code == 200
    url = f"/admin/employers/employer/{bakery_heusden.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}
    assert client.post(url, {"trade_name": "Anders", "postcode": "5251ab"}).status_code == 403
    bakery_heusden.refresh_from_db()
    assert bakery_heusden.trade_name == "Bakkerij De Korenschoof"


# --- The employer's file: visits, clicks, proposals, placements, jobs, follow-ups (issue 11) ---
@pytest.fixture
def employer_file(caseworker_heusden, heusden_person, bakery_heusden):
    from tests.jobseekers.factories import ConsentFactory
    from tests.placements.factories import make_file_records

    for kind in ("share_profile", "introduction"):
        ConsentFactory(jobseeker=heusden_person, kind=kind)
    make_file_records(user=caseworker_heusden, jobseeker=heusden_person, employer=bakery_heusden)
    return bakery_heusden


def test_the_employer_file_shows_its_pipeline_each_entry_linked(
    client, caseworker_heusden, employer_file, heusden_person
):
    from placements.models import DevelopmentPlacement, Proposal
    from visits.models import Visit

    client.force_login(caseworker_heusden)
    response = client.get(f"/employers/{employer_file.pk}/")
    kinds = {e.kind for e in response.context["file_timeline"]}
    assert {"visit", "click", "proposal", "placement", "job", "followup"} <= kinds
    html = response.content.decode()
    for url in (
        f"/visits/{Visit.objects.get().pk}/",
        f"/placements/proposals/{Proposal.objects.get().pk}/",
        f"/placements/development/{DevelopmentPlacement.objects.get().pk}/",
        f"/jobseekers/{heusden_person.pk}/",
    ):
        assert f'href="{url}"' in html, url
    actions = {a.key for a in response.context["file_actions"]}
    assert "visit_plan" in actions


def test_the_employer_file_names_only_people_the_user_may_see(
    client, caseworker_waalwijk, metal_waalwijk, heusden_person
):
    """A Heusden person who clicked at a Waalwijk company: the Waalwijk caseworker sees the
    click by initials, without a link to a file they may not open, and none of the pipeline."""
    from tests.visits.factories import VisitFactory
    from visits.models import Click

    visit = VisitFactory(employer=metal_waalwijk)
    Click.objects.create(visit=visit, jobseeker=heusden_person, note="Wil lassen")
    client.force_login(caseworker_waalwijk)
    response = client.get(f"/employers/{metal_waalwijk.pk}/")
    html = response.content.decode()
    assert "Ricardo v." in html and "van Dongen" not in html
    assert f'href="/jobseekers/{heusden_person.pk}/"' not in html


def test_the_employer_file_uses_a_constant_number_of_queries(
    client, caseworker_heusden, employer_file, heusden_person
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.placements.factories import make_file_records

    client.force_login(caseworker_heusden)
    url = f"/employers/{employer_file.pk}/"
    client.get(url)
    counts = []
    for grow in (0, 3):
        make_file_records(
            user=caseworker_heusden, jobseeker=heusden_person, employer=employer_file, n=grow
        )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_an_owner_that_does_not_resolve_leaves_the_other_filters_in_force(
    client, coordinator, bakery_heusden, metal_waalwijk
):
    """Typing an owner that names no one is an error on that box only: the search typed beside
    it still narrows the list (it used to fall back to the whole, unfiltered list)."""
    client.force_login(coordinator)
    response = client.get("/employers/", {"q": "Korenschoof", "owner": "Niemand Bestaatniet"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bakkerij De Korenschoof" in html
    assert "Metaalwerkplaats Van Dongen" not in html
    assert response.context["form"].errors["owner"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_list_rows_are_what_the_reference_template_writes(
    client, caseworker_heusden, listing, heusden, language
):
    """The list's rows are written in Python (employers.views._rows_html): the same HTML as
    employers/_rows.html, the reference, for rows with and without competences, another place
    name, sector, owner and last contact, and names that need escaping."""
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    from employers.models import ContactMoment
    from employers.views import _rows_html

    odd = EmployerFactory(
        trade_name='Bakker & <Zn> "Oost"',
        municipality=heusden,
        city="Vlijmen",
        sector=None,
        relationship_owner=None,
    )
    odd.valued_skills.set(skills_from_names(["Tillen <zwaar>", "Op tijd"]))
    ContactMoment.objects.create(
        employer=listing["bakery"], kind="call", summary="Gebeld", happened_at=timezone.now(),
        author=caseworker_heusden,
    )  # fmt: skip
    client.force_login(caseworker_heusden)
    with translation.override(language):
        response = client.get("/employers/")
        rows = response.context["rows"]
        assert {row["name"] for row in rows} >= {"Bakkerij Van Gils", odd.trade_name}
        assert any(row["last_contact"] for row in rows) and any(row["city"] for row in rows)
        assert any(not row["skills"] for row in rows) and any(row["skills"] for row in rows)
        reference = render_to_string("employers/_rows.html", {"rows": rows})
        assert reference == "\n    " + _rows_html(rows) + "\n"
        page = response.content.decode()
        assert _rows_html(rows) in page
        assert "Bakker &amp; &lt;Zn&gt; &quot;Oost&quot;" in page
