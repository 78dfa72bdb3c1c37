"""The to-do list a caseworker can work through (issue 11): every row names and links its
person, company or visit; overdue rows say so in words; filter and sort with GET parameters;
coordinators reassign in bulk; and no follow-up is made without an owner."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from baanbrekers.followups import followup_owner, followup_schedule
from baanbrekers.models import FollowUp, FollowUpStatus
from jobseekers.followup_rules import KIND_CONSENT_EXPIRING, consent_reminder_params
from tests.followups.helpers import schedule_text
from tests.jobseekers.factories import ConsentFactory, JobSeekerFactory
from tests.placements.factories import JobOutcomeFactory
from tests.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def _rows(response) -> list[str]:
    """The ids of the rows in the list, in order."""
    return re.findall(r'id="followup-(\d+)"', response.content.decode())


def test_a_consent_item_names_and_links_the_person(client, caseworker_heusden, heusden, today):
    person = JobSeekerFactory(
        first_name="Ricardo",
        last_name="van Dongen",
        municipality=heusden,
        caseworker=caseworker_heusden,
    )
    consent = ConsentFactory(jobseeker=person)
    followup_schedule(
        kind=KIND_CONSENT_EXPIRING,
        subject=consent,
        due_on=today,
        params=consent_reminder_params(consent),
        assignee=caseworker_heusden,
    )
    client.force_login(caseworker_heusden)
    page = client.get(reverse("followups")).content.decode()
    assert "Persoon:" in page
    assert f'href="{person.get_absolute_url()}">Ricardo van Dongen</a>' in page


def test_a_job_check_links_person_company_and_its_answer_form(
    client, caseworker_heusden, heusden, bakery_heusden, today
):
    from placements.followup_rules import job_retention_kind

    job = JobOutcomeFactory(
        jobseeker=JobSeekerFactory(municipality=heusden, caseworker=caseworker_heusden),
        employer=bakery_heusden,
    )
    followup_schedule(
        kind=job_retention_kind(6),
        subject=job,
        due_on=today,
        params={
            "name": "R. D.",
            "employer": str(bakery_heusden),
            "months": 6,
            "date": "01-06-2026",
        },
        assignee=caseworker_heusden,
    )
    client.force_login(caseworker_heusden)
    page = client.get(reverse("followups")).content.decode()
    assert bakery_heusden.get_absolute_url() in page
    assert job.jobseeker.get_absolute_url() in page
    assert reverse("placements:job_detail", args=[job.pk]) + "?months=6#check" in page
    assert "Antwoord vastleggen" in page


def test_overdue_is_said_in_words(client, caseworker_heusden, heusden, today):
    schedule_text(
        kind="test.rule",
        subject=heusden,
        due_on=today - datetime.timedelta(days=3),
        text="Bel terug",
        assignee=caseworker_heusden,
    )
    client.force_login(caseworker_heusden)
    page = client.get(reverse("followups")).content.decode()
    assert "3 dagen te laat" in page
    assert "bb-todo__item--overdue" in page


def test_filter_by_kind_person_and_overdue_and_sort(client, caseworker_heusden, heusden, today):
    anna = JobSeekerFactory(first_name="Anna", last_name="Zwart", municipality=heusden)
    bert = JobSeekerFactory(first_name="Bert", last_name="Aalders", municipality=heusden)
    late = schedule_text(
        kind="test.person",
        subject=anna,
        due_on=today - datetime.timedelta(days=1),
        text="Anna bellen",
        assignee=caseworker_heusden,
    )
    soon = schedule_text(
        kind="test.person",
        subject=bert,
        due_on=today + datetime.timedelta(days=5),
        text="Bert bellen",
        assignee=caseworker_heusden,
    )
    other = schedule_text(
        kind="test.other",
        subject=heusden,
        due_on=today,
        text="Iets anders",
        assignee=caseworker_heusden,
    )
    client.force_login(caseworker_heusden)
    url = reverse("followups")
    assert _rows(client.get(url)) == [str(late.pk), str(other.pk), str(soon.pk)]
    assert _rows(client.get(url, {"sort": "-due"})) == [str(soon.pk), str(other.pk), str(late.pk)]
    assert _rows(client.get(url, {"kind": "test.person", "sort": "person"})) == [
        str(soon.pk),  # Aalders before Zwart
        str(late.pk),
    ]
    assert _rows(client.get(url, {"person": "zwart"})) == [str(late.pk)]
    assert _rows(client.get(url, {"overdue": "on"})) == [str(late.pk)]
    # A value that makes no sense is ignored, not an error.
    assert client.get(url, {"sort": "nonsense", "kind": "nope"}).status_code == 200


def test_coordinator_reassigns_in_bulk(client, coordinator, caseworker_heusden, heusden, today):
    colleague = make_user("nina@heusden.example.org", "caseworker", [heusden], first_name="Nina")
    rows = [
        schedule_text(
            kind="test.rule",
            subject=heusden,
            due_on=today + datetime.timedelta(days=n),
            text=f"Actie {n}",
            assignee=caseworker_heusden,
        )
        for n in range(3)
    ]
    client.force_login(coordinator)
    page = client.get(reverse("followups"), {"show": "all"}).content.decode()
    assert 'form="followup-assign"' in page
    url = reverse("followup-assign")
    refused = client.post(url, {"followups": [rows[0].pk], "show": "all"})
    assert refused.status_code == 400
    assert "Kies wie deze opvolgacties overneemt." in refused.content.decode()
    response = client.post(
        url, {"followups": [rows[0].pk, rows[1].pk], "assignee": colleague.pk, "show": "all"}
    )
    assert response.status_code == 302 and "show=all" in response["Location"]
    assert [FollowUp.objects.get(pk=r.pk).assignee for r in rows] == [
        colleague,
        colleague,
        caseworker_heusden,
    ]


def test_caseworkers_cannot_reassign(client, caseworker_heusden, heusden, today):
    row = schedule_text(
        kind="test.rule", subject=heusden, due_on=today, text="X", assignee=caseworker_heusden
    )
    client.force_login(caseworker_heusden)
    response = client.post(
        reverse("followup-assign"), {"followups": [row.pk], "assignee": caseworker_heusden.pk}
    )
    assert response.status_code == 403


def test_a_followup_never_lacks_an_owner(heusden, waalwijk, coordinator, caseworker_heusden, today):
    """Relationship owner, else caseworker, else a coordinator of the municipality."""
    local_coordinator = make_user("co@heusden.example.org", "coordinator", [heusden])
    assert followup_owner(relationship_owner=caseworker_heusden, municipality=heusden) == (
        caseworker_heusden
    )
    caseworker_heusden.is_active = False
    caseworker_heusden.save()
    # A deactivated account is passed over; the municipality's coordinator (the lowest id).
    expected = min([coordinator, local_coordinator], key=lambda u: u.pk)
    assert followup_owner(caseworker=caseworker_heusden, municipality=heusden) == expected
    row = schedule_text(
        kind="test.rule", subject=heusden, due_on=today, text="X", municipality=heusden
    )
    assert row.assignee == expected
    assert row.status == FollowUpStatus.PENDING
