"""Visits that guide (issue 11): the page offers only what can be done now, and says why not.

Each test here failed on the code before issue 11: the report form was offered before the visit,
the places count went stale after an htmx sign-up, a full visit still showed the sign-up form,
people without consent were offered and refused afterwards, namesakes looked the same, and
cancelling a visit was one click that told nobody.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from baanbrekers.models import FollowUp
from jobseekers.models import ConsentKind
from tests.jobseekers.factories import ConsentFactory, JobSeekerFactory
from visits import services
from visits.models import Visit, VisitSignUp, VisitStatus


def _start(visit, hours_ago: float) -> None:
    Visit.objects.filter(pk=visit.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=hours_ago)
    )
    visit.refresh_from_db()


# --- The report: only once the visit has started --------------------------------------------


def test_report_is_not_offered_before_the_visit(client, caseworker_heusden, visit):
    client.force_login(caseworker_heusden)
    report_url = reverse("visits:report", args=[visit.pk])
    body = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert report_url not in body
    assert "Het verslag schrijf je zodra het bezoek is begonnen" in body
    # The address itself explains and sends back, instead of offering a form that is refused.
    response = client.get(report_url, follow=True)
    assert response.redirect_chain[-1][0].endswith(reverse("visits:detail", args=[visit.pk]))
    assert "zodra het bezoek is begonnen" in response.content.decode()
    assert 'name="learnt"' not in response.content.decode()


def test_report_is_offered_once_the_visit_has_started(client, caseworker_heusden, visit):
    _start(visit, hours_ago=0.5)
    client.force_login(caseworker_heusden)
    report_url = reverse("visits:report", args=[visit.pk])
    assert report_url in client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert 'name="learnt"' in client.get(report_url).content.decode()


def test_a_cancelled_visit_offers_no_report(client, caseworker_heusden, visit):
    _start(visit, hours_ago=2)
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.CANCELLED)
    client.force_login(caseworker_heusden)
    report_url = reverse("visits:report", args=[visit.pk])
    assert report_url not in client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert client.get(report_url).status_code == 302


# --- Places taken, live; a full visit --------------------------------------------------------


def test_places_taken_is_updated_in_place_after_an_htmx_sign_up(client, caseworker_heusden, visit):
    anna = JobSeekerFactory(joins_visits=True)
    client.force_login(caseworker_heusden)
    assert (
        "0 van 3 plaatsen bezet"
        in client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    )
    body = client.post(
        reverse("visits:signup_add", args=[visit.pk]),
        {"jobseeker": anna.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    # The count outside the swapped section comes along out of band.
    assert 'id="places-taken"' in body and 'hx-swap-oob="true"' in body
    assert "1 van 3 plaatsen bezet" in body
    body = client.post(
        reverse("visits:signup_remove", args=[visit.pk, anna.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "0 van 3 plaatsen bezet" in body


def test_a_full_visit_shows_no_sign_up_form_but_says_it_is_full(client, caseworker_heusden, visit):
    visit.capacity = 1
    visit.save()
    anna = JobSeekerFactory(joins_visits=True)
    JobSeekerFactory(joins_visits=True)  # someone who could still have been offered
    client.force_login(caseworker_heusden)
    body = client.post(
        reverse("visits:signup_add", args=[visit.pk]),
        {"jobseeker": anna.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Dit bezoek is vol" in body
    assert reverse("visits:signup_add", args=[visit.pk]) not in body
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "Dit bezoek is vol" in page
    assert reverse("visits:signup_add", args=[visit.pk]) not in page


# --- Who is offered, and telling namesakes apart ---------------------------------------------


def test_only_people_with_a_consent_valid_on_the_visit_day_are_offered(
    client, caseworker_heusden, visit
):
    ok = JobSeekerFactory(joins_visits=True, first_name="Toegestaan")
    JobSeekerFactory(first_name="Zondertoestemming")
    expiring = JobSeekerFactory(first_name="Verlooptvoorhet")
    ConsentFactory(
        jobseeker=expiring,
        kind=ConsentKind.JOIN_VISITS,
        valid_until=timezone.localdate(visit.starts_at) - datetime.timedelta(days=1),
    )
    client.force_login(caseworker_heusden)
    body = client.get(reverse("visits:signups", args=[visit.pk])).content.decode()
    assert f'value="{ok.pk}"' in body
    assert "Zondertoestemming" not in body and "Verlooptvoorhet" not in body


def test_namesakes_are_told_apart_by_birth_year_and_postcode_area_not_bsn(
    client, caseworker_heusden, visit
):
    first = JobSeekerFactory(
        joins_visits=True,
        first_name="Jan",
        last_name="Jansen",
        birth_date=datetime.date(1980, 3, 1),
        postcode="5251 AB",
    )
    second = JobSeekerFactory(
        joins_visits=True,
        first_name="Jan",
        last_name="Jansen",
        birth_date=datetime.date(1995, 7, 9),
        postcode="5253 CD",
    )
    client.force_login(caseworker_heusden)
    body = client.get(reverse("visits:signups", args=[visit.pk])).content.decode()
    assert "Jan Jansen (geb. 1980, pc 5251)" in body
    assert "Jan Jansen (geb. 1995, pc 5253)" in body
    for person in (first, second):
        assert person.reveal_bsn() not in body
    # And in the list of who comes.
    services.visit_jobseeker_sign_up(visit=visit, jobseeker=first, signed_up_by=caseworker_heusden)
    body = client.get(reverse("visits:signups", args=[visit.pk])).content.decode()
    signed_up = body[body.index('aria-label="Aangemeld"') :]
    assert "Jan Jansen (geb. 1980, pc 5251)" in signed_up[: signed_up.index("</ul>")]
    assert f'<option value="{first.pk}"' not in body  # listed, no longer offered
    assert f'<option value="{second.pk}"' in body


# --- Cancelling: confirmed, and the people who signed up are told ----------------------------


def test_cancelling_asks_for_confirmation_without_javascript(client, caseworker_heusden, visit):
    client.force_login(caseworker_heusden)
    url = reverse("visits:cancel", args=[visit.pk])
    detail = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert f'href="{url}"' in detail  # a link to a confirmation page, not a one-click form
    page = client.get(url)
    assert page.status_code == 200 and 'name="confirm"' in page.content.decode()
    response = client.post(url, {})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    assert "Vink aan" in response.content.decode()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED


def test_cancelling_tells_the_caseworkers_of_the_people_who_signed_up(
    caseworker_heusden, caseworker_heusden_2, visit
):
    anna = JobSeekerFactory(joins_visits=True, caseworker=caseworker_heusden_2, first_name="Anna")
    bert = JobSeekerFactory(joins_visits=True, caseworker=None, first_name="Bert")
    for person in (anna, bert):
        services.visit_jobseeker_sign_up(
            visit=visit, jobseeker=person, signed_up_by=caseworker_heusden
        )
    services.visit_cancel(visit=visit, cancelled_by=caseworker_heusden)
    from visits.followup_rules import KIND_VISIT_CANCELLED

    followups = FollowUp.objects.filter(kind=KIND_VISIT_CANCELLED).order_by("assignee__email")
    assert {(f.assignee, f.params["name"]) for f in followups} == {
        (caseworker_heusden_2, anna.initials_name),
        # Without a caseworker of their own: whoever signed them up.
        (caseworker_heusden, bert.initials_name),
    }
    assert all(f.due_on == timezone.localdate() for f in followups)
    assert all("geannuleerd" in f.title_text for f in followups)
    # The sign-ups stay recorded for the history.
    assert VisitSignUp.objects.filter(visit=visit).count() == 2


@pytest.mark.parametrize("role", ["alderman", "employer_contact_a"])
def test_roles_that_may_not_manage_get_403_not_404(client, request, visit, role):
    client.force_login(request.getfixturevalue(role))
    assert client.post(reverse("visits:cancel", args=[visit.pk])).status_code == 403
    assert client.get(reverse("visits:signups", args=[visit.pk])).status_code == 403
