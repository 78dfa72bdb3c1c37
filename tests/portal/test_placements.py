"""Placements at the company: check-ins, the supervisor's evaluations, the paid-work question."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import CheckIn, DevelopmentPlacement, Evaluation, Evaluator
from portal.models import PaidWorkAnswer
from tests.placements.factories import make_placement

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement_a(opening_a, caseworker_heusden, company_a):
    supervisor = company_a.contacts.get()
    return make_placement(
        user=caseworker_heusden, opening=opening_a, status="active", supervisor=supervisor
    )


@pytest.fixture
def placement_b(opening_b, caseworker_waalwijk):
    return make_placement(user=caseworker_waalwijk, opening=opening_b, status="active")


def test_supervisor_sees_the_placement_with_its_planned_end(
    client, employer_contact_a, placement_a
):
    client.force_login(employer_contact_a)
    html = client.get(reverse("portal:placements")).content.decode()
    assert placement_a.jobseeker.initials_name in html
    assert placement_a.jobseeker.last_name not in html
    detail = client.get(reverse("portal:placement", args=[placement_a.pk])).content.decode()
    assert placement_a.planned_end_date.strftime("%Y") in detail
    assert "Werken in een team" in detail


def test_supervisor_records_a_check_in(client, employer_contact_a, placement_a):
    client.force_login(employer_contact_a)
    url = reverse("portal:placement", args=[placement_a.pk])
    today = timezone.localdate().isoformat()
    bad = client.post(url, {"action": "checkin", "checkin-held_on": today, "checkin-notes": ""})
    assert bad.status_code == 400 and not CheckIn.objects.exists()
    ok = client.post(
        url, {"action": "checkin", "checkin-held_on": today, "checkin-notes": "Gaat prima."}
    )
    assert ok.status_code == 302
    checkin = CheckIn.objects.get()
    assert checkin.author == employer_contact_a and checkin.placement == placement_a


def test_supervisor_fills_in_the_midterm_and_final_evaluation_once_each(
    client, employer_contact_a, placement_a
):
    client.force_login(employer_contact_a)
    url = reverse("portal:placement", args=[placement_a.pk])
    data = {
        "action": "evaluation",
        "evaluation-held_on": timezone.localdate().isoformat(),
        "evaluation-progress": "Werkt zelfstandig aan de inpaklijn.",
        "evaluation-rating": "4",
        "evaluation-next_steps": "Leren werken met de deegmachine.",
    }
    assert client.post(url, {**data, "evaluation-moment": "midterm"}).status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.evaluator == Evaluator.SUPERVISOR and evaluation.rating == 4
    assert evaluation.recorded_by == employer_contact_a
    # The mid-term is no longer offered; posting it again is refused next to the field.
    again = client.post(url, {**data, "evaluation-moment": "midterm"})
    assert again.status_code == 400
    assert Evaluation.objects.count() == 1
    assert client.post(url, {**data, "evaluation-moment": "final"}).status_code == 302
    assert set(Evaluation.objects.values_list("moment", flat=True)) == {"midterm", "final"}


def test_evaluation_needs_progress_and_a_rating_from_1_to_5(
    client, employer_contact_a, placement_a
):
    client.force_login(employer_contact_a)
    response = client.post(
        reverse("portal:placement", args=[placement_a.pk]),
        {
            "action": "evaluation",
            "evaluation-moment": "midterm",
            "evaluation-held_on": timezone.localdate().isoformat(),
            "evaluation-progress": "",
            "evaluation-rating": "9",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "id_evaluation-progress_error" in html and "id_evaluation-rating_error" in html
    assert not Evaluation.objects.exists()


def test_supervisor_is_asked_about_paid_work_in_time(client, employer_contact_a, placement_a):
    client.force_login(employer_contact_a)
    url = reverse("portal:placement", args=[placement_a.pk])
    far = timezone.localdate() + datetime.timedelta(days=80)
    DevelopmentPlacement.objects.filter(pk=placement_a.pk).update(planned_end_date=far)
    assert 'value="paid_work"' not in client.get(url).content.decode()

    home = reverse("portal:home")
    assert url not in client.get(home).content.decode()

    soon = timezone.localdate() + datetime.timedelta(days=20)
    DevelopmentPlacement.objects.filter(pk=placement_a.pk).update(planned_end_date=soon)
    assert 'value="paid_work"' in client.get(url).content.decode()
    assert url in client.get(home).content.decode()  # asked on the first page too
    response = client.post(
        url, {"action": "paid_work", "paid-intent": "yes", "paid-note": "Contract voor 24 uur."}
    )
    assert response.status_code == 302
    answer = PaidWorkAnswer.objects.get()
    assert answer.intent == "yes" and answer.answered_by == employer_contact_a
    assert placement_a.employer.contact_moments.filter(author=employer_contact_a).exists()
    assert url not in client.get(home).content.decode()  # answered: no longer asked


def test_another_companys_placement_is_a_404(client, employer_contact_a, placement_a, placement_b):
    client.force_login(employer_contact_a)
    url = reverse("portal:placement", args=[placement_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "checkin", "checkin-notes": "x"}).status_code == 404
    assert client.get(f"/api/v1/portal/placements/{placement_b.pk}/").status_code == 404
    ids = [p["id"] for p in client.get("/api/v1/portal/placements/").json()["results"]]
    assert ids == [placement_a.pk]
    assert not CheckIn.objects.exists()


def test_supervisor_dates_the_evaluation_within_the_placement_and_corrects_it_for_a_few_days(
    client, settings, employer_contact_a, employer_contact_b, company_b, placement_a
):
    client.force_login(employer_contact_a)
    url = reverse("portal:placement", args=[placement_a.pk])
    data = {
        "action": "evaluation",
        "evaluation-moment": "midterm",
        "evaluation-held_on": "2019-05-01",
        "evaluation-progress": "Werkt zelfstandig aan de inpaklijn.",
    }
    early = client.post(url, data)
    assert early.status_code == 400
    assert "id_evaluation-held_on_error" in early.content.decode()
    assert "Werkt zelfstandig aan de inpaklijn." in early.content.decode()
    today = timezone.localdate().isoformat()
    assert client.post(url, {**data, "evaluation-held_on": today}).status_code == 302
    evaluation = Evaluation.objects.get()
    correct = reverse("portal:evaluation_correct", args=[placement_a.pk, evaluation.pk])
    assert correct in client.get(url).content.decode()
    response = client.post(
        correct,
        {
            "evaluation-held_on": today,
            "evaluation-progress": "Werkt zelfstandig en helpt nieuwe collega's.",
            "evaluation-rating": "5",
        },
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.rating == 5 and "nieuwe collega's" in evaluation.progress
    # Another company's contact does not reach it.
    client.force_login(employer_contact_b)
    assert client.get(correct).status_code == 404
    # After the correction period the link is gone and a correction is refused.
    client.force_login(employer_contact_a)
    settings.LEAD_TIMES = {**settings.LEAD_TIMES, "evaluation_correctable": 2}
    Evaluation.objects.filter(pk=evaluation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    assert correct not in client.get(url).content.decode()
    late = client.post(
        correct, {"evaluation-held_on": today, "evaluation-progress": "Te laat gewijzigd."}
    )
    assert late.status_code == 400
    assert "kon tot en met" in late.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.progress != "Te laat gewijzigd."
