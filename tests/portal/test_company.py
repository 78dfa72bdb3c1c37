"""The company page, offers and tips: the employer keeps them, the caseworker sees the changes."""

import pytest
from django.urls import reverse

from employers import services as employer_services
from employers.models import (
    ContactMoment,
    Employer,
    EmployerContact,
    EmployerStatus,
    Opening,
    OpeningKind,
    OpeningStatus,
    Referral,
)

pytestmark = pytest.mark.django_db


def test_employer_edits_the_story_and_the_caseworker_sees_it_in_the_timeline(
    client, employer_contact_a, caseworker_heusden, company_a
):
    client.force_login(employer_contact_a)
    response = client.post(
        reverse("portal:company"),
        {
            "story_what": "Ambachtelijk brood sinds 1921.",
            "story_passion": "Vakmanschap doorgeven.",
            "story_culture": "",
            "story_views": "",
            "story_values": "",
            "valued_skills": "Punctueel, samenwerken",
            "website": "",
        },
    )
    assert response.status_code == 302
    company_a.refresh_from_db()
    assert company_a.story_what == "Ambachtelijk brood sinds 1921."
    assert sorted(s.name.lower() for s in company_a.valued_skills.all()) == [
        "punctueel",
        "samenwerken",
    ]
    moment = ContactMoment.objects.get(employer=company_a)
    assert moment.author == employer_contact_a and moment.kind == "other"

    client.force_login(caseworker_heusden)
    detail = client.get(reverse("employers:detail", args=[company_a.pk])).content.decode()
    assert "Bijgewerkt in het portaal" in detail


def test_story_errors_keep_what_was_typed(client, employer_contact_a, company_a):
    client.force_login(employer_contact_a)
    response = client.post(
        reverse("portal:company"),
        {"story_what": "Nieuw verhaal", "website": "geen url", "valued_skills": ""},
    )
    assert response.status_code == 400
    assert "Nieuw verhaal" in response.content.decode()
    company_a.refresh_from_db()
    assert company_a.story_what != "Nieuw verhaal"
    assert not ContactMoment.objects.exists()


def test_employer_adds_and_edits_contacts_of_its_own_company_only(
    client, employer_contact_a, company_a, company_b
):
    client.force_login(employer_contact_a)
    response = client.post(
        reverse("portal:contact_create"),
        {"name": "Henk Heftruck", "role": "Teamleider", "email": "henk@bakkerij.example.org"},
    )
    assert response.status_code == 302
    henk = EmployerContact.objects.get(name="Henk Heftruck")
    assert henk.employer == company_a and henk.user is None
    other = company_b.contacts.first()
    assert client.get(reverse("portal:contact_edit", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("portal:contact_edit", args=[other.pk]), {"name": "x"}).status_code
        == 404
    )


@pytest.mark.parametrize("kind", [k for k, _ in OpeningKind.choices])
def test_employer_posts_every_kind_of_offer(client, employer_contact_a, company_a, kind):
    client.force_login(employer_contact_a)
    response = client.post(
        reverse("portal:opening_create"),
        {
            "kind": kind,
            "title": "Aanbod",
            "hours_per_week": "24",
            "places": "1",
            "suggested_competences": "Bakken",
        },
    )
    assert response.status_code == 302
    opening = Opening.objects.get(employer=company_a)
    assert opening.kind == kind and opening.created_by == employer_contact_a
    # The employer's words are suggestions for staff to map, not words of the vocabulary.
    assert opening.competence_suggestions == ["Bakken"]
    assert not opening.competences.exists()


def test_offer_errors_are_shown_next_to_the_field(client, employer_contact_a, company_a):
    client.force_login(employer_contact_a)
    response = client.post(
        reverse("portal:opening_create"),
        {
            "kind": "vacancy",
            "title": "Inpakker",
            "places": "1",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
            "location_postcode": "12",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Inpakker" in html
    assert "id_end_date_error" in html and "id_location_postcode_error" in html
    assert not Opening.objects.exists()


def test_employer_closes_its_own_offer_but_not_anothers(
    client, employer_contact_a, opening_a, opening_b
):
    client.force_login(employer_contact_a)
    assert client.post(reverse("portal:opening_close", args=[opening_b.pk])).status_code == 404
    assert Opening.objects.get(pk=opening_b.pk).status == OpeningStatus.OPEN
    client.post(reverse("portal:opening_close", args=[opening_a.pk]), {"filled": "1"})
    assert Opening.objects.get(pk=opening_a.pk).status == OpeningStatus.FILLED


def test_api_offers_are_scoped_and_validated(client, employer_contact_a, opening_a, opening_b):
    client.force_login(employer_contact_a)
    listing = client.get("/api/v1/portal/openings/").json()
    assert [o["id"] for o in listing["results"]] == [opening_a.pk]
    assert client.get(f"/api/v1/portal/openings/{opening_b.pk}/").status_code == 404
    assert client.post(f"/api/v1/portal/openings/{opening_b.pk}/close/").status_code == 404
    bad = client.post(
        "/api/v1/portal/openings/",
        {"kind": "buddy", "title": "", "location_postcode": "abc"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "title" in bad.json()
    good = client.post(
        "/api/v1/portal/openings/",
        {"kind": "buddy", "title": "Maatje uit de bakkerij", "competences": ["Geduld"]},
        content_type="application/json",
    )
    assert good.status_code == 201, good.content
    assert good.json()["competence_names"] == []
    assert good.json()["suggested_competences"] == ["Geduld"]
    assert Opening.objects.get(pk=good.json()["id"]).employer == opening_a.employer


def test_a_tip_becomes_a_prospect_through_the_employers_service(
    client, employer_contact_a, caseworker_heusden, company_a
):
    client.force_login(employer_contact_a)
    response = client.post(
        reverse("portal:referral"),
        {
            "company_name": "Slagerij De Os",
            "need": "Zoekt een hulp in de winkel.",
            "kvk_number": "71234567",
            "postcode": "5251ab",
            "contact_name": "Otto Os",
            "contact_email": "otto@slagerij.example.org",
            "contact_phone": "",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.referring_employer == company_a and referral.referred_by == employer_contact_a
    assert referral.postcode == "5251 AB"
    assert referral.municipality == company_a.municipality

    prospect = employer_services.referral_convert_to_prospect(
        referral=referral, converted_by=caseworker_heusden
    )
    assert prospect.status == EmployerStatus.PROSPECT
    assert Employer.objects.get(kvk_number="71234567").trade_name == "Slagerij De Os"
    # The tipping employer sees what became of the tip.
    assert "Slagerij De Os" in client.get(reverse("portal:referral")).content.decode()


def test_a_tip_without_what_they_need_is_refused(client, employer_contact_a, company_a):
    client.force_login(employer_contact_a)
    response = client.post(reverse("portal:referral"), {"company_name": "Slagerij De Os"})
    assert response.status_code == 400
    assert "Slagerij De Os" in response.content.decode()
    assert not Referral.objects.exists()
