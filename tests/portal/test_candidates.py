"""Candidates: the anonymised profile, answers, and introductions only after consent."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from employers.models import ContactMoment
from jobseekers.models import Consent, ConsentKind
from placements import services as placement_services
from placements.models import Proposal, ProposalAnswer
from tests.jobseekers.factories import (
    SECRET_BSN,
    SECRET_LIMITATIONS,
    ConsentFactory,
    JobSeekerFactory,
)

pytestmark = pytest.mark.django_db

# What the employer must never see, in any form the pages or API could show it.
FORBIDDEN = [
    SECRET_BSN,
    SECRET_BSN[-4:] + "<",  # the masked tail as the back office shows it
    SECRET_LIMITATIONS,
    "Rugklachten",
    "Wajong",
    "wajong",
    "Zwanenburg",  # the last name
    "fatima.zwanenburg@example.org",
    "06 12345678",
    "1985",  # the birth year
]


def assert_nothing_sensitive(text: str):
    for secret in FORBIDDEN:
        assert secret not in text, secret


def test_candidate_page_shows_the_anonymised_profile_only(client, employer_contact_a, proposal_a):
    client.force_login(employer_contact_a)
    for url in (reverse("portal:candidates"), reverse("portal:candidate", args=[proposal_a.pk])):
        html = client.get(url).content.decode()
        assert "Fatima Z." in html
        assert "heftruck" in html.lower() and "sleutelen aan brommers" in html.lower()
        assert "28 uur per week" in html
        assert "Kaatsheuvel" in html  # the place, not the postcode
        assert "5171" not in html
        assert "km" in html
        assert_nothing_sensitive(html)


def test_candidate_api_shows_the_anonymised_profile_only(client, employer_contact_a, proposal_a):
    client.force_login(employer_contact_a)
    listing = client.get("/api/v1/portal/proposals/")
    detail = client.get(f"/api/v1/portal/proposals/{proposal_a.pk}/")
    assert listing.status_code == detail.status_code == 200
    profile = detail.json()
    assert profile["display_name"] == "Fatima Z."
    assert profile["contact"] is None
    assert set(profile) == {
        "id", "display_name", "opening_title", "opening_kind", "skills", "interests",
        "hours_available", "area", "distance_km", "has_driving_licence", "education_level",
        "dutch_level", "motivation", "answer",
        "answer_reason", "proposed_at", "contact",
    }  # fmt: skip
    assert_nothing_sensitive(listing.content.decode())
    assert_nothing_sensitive(detail.content.decode())


def test_no_profile_without_a_valid_consent_to_share_it(client, employer_contact_a, proposal_a):
    Consent.objects.filter(jobseeker=proposal_a.jobseeker).update(withdrawn_on="2020-01-01")
    client.force_login(employer_contact_a)
    assert client.get(reverse("portal:candidate", args=[proposal_a.pk])).status_code == 404
    assert "Fatima" not in client.get(reverse("portal:candidates") + "?show=all").content.decode()


def test_another_companys_candidate_is_a_404(client, employer_contact_a, proposal_a, proposal_b):
    client.force_login(employer_contact_a)
    assert client.get(reverse("portal:candidate", args=[proposal_b.pk])).status_code == 404
    assert client.get(f"/api/v1/portal/proposals/{proposal_b.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/portal/proposals/{proposal_b.pk}/answer/", {"answer": "interested"}
    )
    assert response.status_code == 404
    assert Proposal.objects.get(pk=proposal_b.pk).answer == ProposalAnswer.PENDING
    # Nor through naming the other company in the query.
    other = proposal_b.opening.employer_id
    assert client.get(f"/api/v1/portal/proposals/?employer={other}").status_code == 404


def test_no_without_a_reason_shows_the_error_and_saves_nothing(
    client, employer_contact_a, proposal_a
):
    client.force_login(employer_contact_a)
    url = reverse("portal:candidate", args=[proposal_a.pk])
    response = client.post(url, {"answer": "no", "reason": "  "})
    assert response.status_code == 400
    assert "Geef een reden" in response.content.decode()
    assert (
        'value="no" checked' in response.content.decode() or "checked" in response.content.decode()
    )
    assert Proposal.objects.get(pk=proposal_a.pk).answer == ProposalAnswer.PENDING


def test_api_answer_without_reason_is_a_400_with_field_errors(
    client, employer_contact_a, proposal_a
):
    client.force_login(employer_contact_a)
    url = f"/api/v1/portal/proposals/{proposal_a.pk}/answer/"
    response = client.post(url, {"answer": "not_now"}, content_type="application/json")
    assert response.status_code == 400
    assert "reason" in response.json()
    assert client.post(url, {"answer": "maybe"}).status_code == 400
    response = client.post(
        url, {"answer": "not_now", "reason": "Pas na de zomer"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["answer"] == "not_now"


def test_employer_answers_and_the_caseworker_sees_it(client, employer_contact_a, proposal_a):
    client.force_login(employer_contact_a)
    url = reverse("portal:candidate", args=[proposal_a.pk])
    assert client.post(url, {"answer": "interested", "reason": ""}).status_code == 302
    proposal = Proposal.objects.get(pk=proposal_a.pk)
    assert proposal.answer == ProposalAnswer.INTERESTED
    assert proposal.answered_by == employer_contact_a
    moment = ContactMoment.objects.get(employer=proposal.opening.employer)
    assert moment.author == employer_contact_a
    assert "Fatima" not in moment.summary


def test_contact_details_only_after_the_job_seeker_agreed_to_the_introduction(
    client, employer_contact_a, caseworker_heusden, proposal_a
):
    client.force_login(employer_contact_a)
    url = reverse("portal:candidate", args=[proposal_a.pk])
    api = f"/api/v1/portal/proposals/{proposal_a.pk}/"
    client.post(url, {"answer": "interested"})
    proposal = Proposal.objects.get(pk=proposal_a.pk)
    # Interested, but no consent to an introduction: the caseworker cannot agree it.
    with pytest.raises(ValidationError):
        placement_services.proposal_agree_introduction(
            proposal=proposal, agreed_by=caseworker_heusden
        )
    assert "fatima.zwanenburg@example.org" not in client.get(url).content.decode()

    consent = ConsentFactory(jobseeker=proposal.jobseeker, kind=ConsentKind.INTRODUCTION)
    placement_services.proposal_agree_introduction(proposal=proposal, agreed_by=caseworker_heusden)
    html = client.get(url).content.decode()
    assert "Fatima Zwanenburg" in html
    assert "fatima.zwanenburg@example.org" in html and "06 12345678" in html
    assert client.get(api).json()["contact"]["email"] == "fatima.zwanenburg@example.org"
    # Still never the BSN, benefit or limitations.
    for secret in (SECRET_BSN, SECRET_LIMITATIONS, "Wajong"):
        assert secret not in html

    # The consent is withdrawn: the contact details disappear again.
    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=consent.given_on)
    assert "fatima.zwanenburg@example.org" not in client.get(url).content.decode()
    assert client.get(api).json()["contact"] is None


def test_candidate_list_queries_stay_constant(
    client, employer_contact_a, opening_a, caseworker_heusden, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            person = JobSeekerFactory(skills=["Bakken"], consents=[ConsentKind.SHARE_PROFILE])
            Proposal.objects.create(
                jobseeker=person, opening=opening_a, proposed_by=caseworker_heusden
            )

    client.force_login(employer_contact_a)
    add(2)
    with django_assert_max_num_queries(20) as small:
        assert client.get(reverse("portal:candidates")).status_code == 200
    add(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("portal:candidates"))
    assert response.content.decode().count("po-candidate") == 12
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/api/v1/portal/proposals/").json()["count"] == 12
