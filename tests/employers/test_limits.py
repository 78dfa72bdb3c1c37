"""The limits table on the employers' file, the same on the page, the API and the portal; and
openings that can be edited, reopened and carry the employer's competence suggestions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from employers import services
from employers.models import ContactMoment, Employer, EmployerContact, Opening, OpeningStatus
from tests.employers.factories import OpeningFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/employers/"
TODAY = timezone.localdate()
NEXT_MONTH = TODAY + datetime.timedelta(days=30)


def opening_form(**changes):
    data = {"kind": "vacancy", "title": "Inpakker", "places": "1", "hours_per_week": "24"}
    data.update(changes)
    return data


# --- Text lengths ---------------------------------------------------------------------------
def test_a_200000_character_contact_summary_is_refused_everywhere(
    client, caseworker_heusden, bakery_heusden
):
    huge = "Gesprek over personeel. " * 9000  # about 200,000 characters
    client.force_login(caseworker_heusden)
    page = client.post(
        reverse("employers:contact_moment_create", args=[bakery_heusden.pk]),
        {"happened_at": "2026-11-02T10:00", "kind": "phone", "summary": huge},
    )
    assert "hoogstens 10.000 tekens" in page.content.decode()
    api = client.post(
        f"{API}{bakery_heusden.pk}/notes/",
        {"kind": "phone", "summary": huge},
        content_type="application/json",
    )
    assert api.status_code == 400 and "hoogstens 10.000 tekens" in api.json()["summary"][0]
    with pytest.raises(ValidationError) as exc:
        services.contact_moment_record(
            employer=bakery_heusden, author=caseworker_heusden, kind="phone", summary=huge
        )
    assert "summary" in exc.value.message_dict
    assert not ContactMoment.objects.exists()


# --- Postcodes and phone numbers ------------------------------------------------------------
def test_an_amsterdam_postcode_for_a_heusden_employer_is_refused_on_page_and_api(
    client, caseworker_heusden, heusden
):
    client.force_login(caseworker_heusden)
    data = {
        "trade_name": "Grachtenbakker",
        "kvk_number": "33333333",
        "status": "prospect",
        "postcode": "1011 AB",
        "municipality": heusden.pk,
    }
    page = client.post(reverse("employers:create"), data)
    assert page.status_code in (200, 400)
    assert "buiten onze regio" in str(page.context["form"].errors["postcode"])
    assert 'value="Grachtenbakker"' in page.content.decode()  # what was typed is kept
    api = client.post(API, data, content_type="application/json")
    assert api.status_code == 400 and "buiten onze regio" in api.json()["postcode"][0]
    assert not Employer.objects.exists()


def test_contact_phone_numbers_are_stored_normalised_and_nonsense_is_refused(
    client, caseworker_heusden, bakery_heusden
):
    client.force_login(caseworker_heusden)
    url = reverse("employers:contact_create", args=[bakery_heusden.pk])
    bad = client.post(url, {"name": "Ans Verhoeven", "phone": "bel maar"})
    assert "geldig telefoonnummer" in str(bad.context["form"].errors["phone"])
    assert not EmployerContact.objects.exists()
    client.post(url, {"name": "Ans Verhoeven", "phone": "0416-123456"})
    assert EmployerContact.objects.get().phone == "0416 123 456"
    api = client.post(
        f"{API}{bakery_heusden.pk}/contacts/",
        {"name": "Piet", "phone": "+31612345678"},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["phone"] == "06 12345678"


# --- Openings: hours and dates --------------------------------------------------------------
def test_an_opening_that_started_can_still_be_edited(caseworker_heusden, bakery_heusden):
    started = OpeningFactory(employer=bakery_heusden, start_date=TODAY - datetime.timedelta(60))
    services.opening_update(opening=started, updated_by=caseworker_heusden, title="Nieuwe titel")
    started.refresh_from_db()
    assert started.title == "Nieuwe titel"


# --- Openings: close and reopen, by staff, API and portal ------------------------------------
def test_staff_reopen_a_closed_opening_and_not_an_open_one(
    client, caseworker_heusden, bakery_heusden
):
    opening = OpeningFactory(employer=bakery_heusden, status=OpeningStatus.CLOSED)
    client.force_login(caseworker_heusden)
    detail = client.get(reverse("employers:detail", args=[bakery_heusden.pk])).content.decode()
    assert reverse("employers:opening_reopen", args=[bakery_heusden.pk, opening.pk]) in detail
    url = reverse("employers:opening_reopen", args=[bakery_heusden.pk, opening.pk])
    client.post(url)
    opening.refresh_from_db()
    assert opening.status == OpeningStatus.OPEN
    with pytest.raises(ValidationError):
        services.opening_reopen(opening=opening, reopened_by=caseworker_heusden)


def test_an_opening_whose_end_passed_cannot_reopen(caseworker_heusden, bakery_heusden):
    opening = OpeningFactory(
        employer=bakery_heusden,
        status=OpeningStatus.FILLED,
        start_date=TODAY - datetime.timedelta(90),
        end_date=TODAY - datetime.timedelta(1),
    )
    with pytest.raises(ValidationError) as exc:
        services.opening_reopen(opening=opening, reopened_by=caseworker_heusden)
    assert "end_date" in exc.value.message_dict


def test_a_patch_of_the_status_closes_and_reopens_through_the_service(
    client, caseworker_heusden, bakery_heusden
):
    opening = OpeningFactory(employer=bakery_heusden)
    client.force_login(caseworker_heusden)
    url = f"{API}{bakery_heusden.pk}/openings/{opening.pk}/"
    for status in ("closed", "open", "filled", "closed"):
        response = client.patch(url, {"status": status}, content_type="application/json")
        assert response.status_code == 200, response.json()
        assert Opening.objects.get(pk=opening.pk).status == status


# --- Competence suggestions -----------------------------------------------------------------
