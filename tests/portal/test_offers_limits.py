"""Offers in the portal under the limits table (the same as staff's), edited and reopened by
the employer; competence words as suggestions that staff map onto the vocabulary."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from baanbrekers.models import Skill
from employers import services
from employers.models import ContactMoment, Opening, OpeningStatus

pytestmark = pytest.mark.django_db

API = "/api/v1/employers/"
TODAY = timezone.localdate()


def opening_form(**changes):
    data = {"kind": "vacancy", "title": "Inpakker", "places": "1", "hours_per_week": "24"}
    data.update(changes)
    return data


def test_an_opening_of_200_hours_is_refused_by_staff_page_api_portal_and_portal_api(
    client, caseworker_heusden, employer_contact_a, company_a
):
    client.force_login(caseworker_heusden)
    page = client.post(
        reverse("employers:opening_create", args=[company_a.pk]),
        opening_form(hours_per_week="200"),
    )
    assert "1 tot en met 60 uur per week" in str(page.context["form"].errors["hours_per_week"])
    api = client.post(
        f"{API}{company_a.pk}/openings/",
        {"kind": "vacancy", "title": "Inpakker", "hours_per_week": 200},
        content_type="application/json",
    )
    assert api.status_code == 400 and "hours_per_week" in api.json()
    client.force_login(employer_contact_a)
    portal = client.post(reverse("portal:opening_create"), opening_form(hours_per_week="200"))
    assert portal.status_code == 400
    assert "1 tot en met 60 uur per week" in portal.content.decode()
    assert 'value="Inpakker"' in portal.content.decode()
    portal_api = client.post(
        "/api/v1/portal/openings/",
        {"kind": "vacancy", "title": "Inpakker", "hours_per_week": 200},
        content_type="application/json",
    )
    assert portal_api.status_code == 400 and "hours_per_week" in portal_api.json()
    assert not Opening.objects.exists()


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("1999-05-01", "te ver terug"),
        ((TODAY - datetime.timedelta(days=1)).isoformat(), "in het verleden"),
        ((TODAY + datetime.timedelta(days=365 * 5)).isoformat(), "te ver vooruit"),
    ],
)
def test_a_new_opening_starts_neither_in_the_past_nor_far_ahead(
    client, employer_contact_a, company_a, start, message
):
    client.force_login(employer_contact_a)
    response = client.post(reverse("portal:opening_create"), opening_form(start_date=start))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors["start_date"])
    assert not Opening.objects.exists()


def test_the_employer_edits_and_reopens_its_own_offer_only(
    client, employer_contact_a, opening_a, opening_b
):
    client.force_login(employer_contact_a)
    assert client.get(reverse("portal:opening_edit", args=[opening_b.pk])).status_code == 404
    assert client.post(reverse("portal:opening_reopen", args=[opening_b.pk])).status_code == 404
    edit = client.post(
        reverse("portal:opening_edit", args=[opening_a.pk]),
        opening_form(title="Inpakker ochtendploeg", hours_per_week="32", kind="vacancy"),
    )
    assert edit.status_code == 302, edit.context["form"].errors
    opening_a.refresh_from_db()
    assert (opening_a.title, opening_a.hours_per_week) == ("Inpakker ochtendploeg", 32)
    client.post(reverse("portal:opening_close", args=[opening_a.pk]), {"filled": "0"})
    listing = client.get(reverse("portal:openings")).content.decode()
    assert reverse("portal:opening_reopen", args=[opening_a.pk]) in listing
    client.post(reverse("portal:opening_reopen", args=[opening_a.pk]))
    opening_a.refresh_from_db()
    assert opening_a.status == OpeningStatus.OPEN
    summaries = list(
        ContactMoment.objects.filter(employer=opening_a.employer).values_list("summary", flat=True)
    )
    assert any("gewijzigd in het portaal" in s for s in summaries)
    assert any("weer geopend in het portaal" in s for s in summaries)
    api = client.post(f"/api/v1/portal/openings/{opening_a.pk}/close/")
    assert api.status_code == 200
    assert client.post(f"/api/v1/portal/openings/{opening_a.pk}/reopen/").json()["status"] == "open"


def test_300_portal_words_become_suggestions_not_300_skills(client, employer_contact_a, company_a):
    before = Skill.objects.count()
    words = ", ".join(f"woord{i}" for i in range(300))
    client.force_login(employer_contact_a)
    response = client.post(
        reverse("portal:opening_create"), opening_form(suggested_competences=words)
    )
    # 300 words are more text than the table allows for suggestions: refused, nothing added.
    assert response.status_code == 400
    assert "suggested_competences" in response.context["form"].errors
    response = client.post(
        reverse("portal:opening_create"),
        opening_form(suggested_competences="Klantvriendelijk, heftruck, klantvriendelijk"),
    )
    assert response.status_code == 302
    opening = Opening.objects.get()
    assert opening.competence_suggestions == ["Klantvriendelijk", "heftruck"]
    assert Skill.objects.count() == before


def test_staff_map_the_suggestions_onto_the_vocabulary(
    client, caseworker_heusden, employer_contact_a, company_a
):
    Skill.objects.create(name="Heftruckcertificaat")
    opening = services.opening_create(
        employer=company_a,
        created_by=employer_contact_a,
        kind="vacancy",
        title="Magazijn",
        suggested_competences="heftruckcertificaat\nklantvriendelijk\nalles kunnen",
    )
    client.force_login(caseworker_heusden)
    detail = client.get(reverse("employers:detail", args=[company_a.pk])).content.decode()
    url = reverse("employers:opening_competences", args=[company_a.pk, opening.pk])
    assert url in detail and "Koppel 3 voorgestelde woorden" in detail
    form = client.get(url).context["form"]
    assert form.initial == {} and form["word_0"].initial == "Heftruckcertificaat"
    response = client.post(
        url, {"word_0": "Heftruckcertificaat", "word_1": "Klantgericht", "word_2": ""}
    )
    assert response.status_code == 302
    opening.refresh_from_db()
    assert sorted(s.name for s in opening.competences.all()) == [
        "Heftruckcertificaat",
        "Klantgericht",
    ]
    assert opening.suggested_competences == ""
    assert not Skill.objects.filter(name__iexact="alles kunnen").exists()
