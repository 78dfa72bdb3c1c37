import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from baanbrekers.models import FollowUp
from tests.employers.factories import EmployerContactFactory, EmployerFactory
from tests.jobseekers.factories import JobSeekerFactory
from tests.visits.factories import VisitFactory
from visits.models import Click, Visit, VisitReport, VisitSignUp
from visits.views import MONTH_CELL_VISITS


@pytest.fixture
def waalwijk_visit(waalwijk):
    return VisitFactory(employer=EmployerFactory(municipality=waalwijk))


# --- Who may open what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_fixture", "status"),
    [
        ("caseworker_heusden", 200),
        ("caseworker_waalwijk", 404),
        ("coordinator", 200),
        ("alderman", 200),  # joins this visit
        ("employer_contact_a", 403),  # the visits pages are for staff: their own in the portal
    ],
)
@pytest.mark.parametrize("url_name", ["visits:detail", "visits:briefing", "visits:ics"])
def test_visit_pages_per_role(client, request, visit, user_fixture, status, url_name):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse(url_name, args=[visit.pk])).status_code == status


@pytest.mark.parametrize(
    ("user_fixture", "status"),
    [
        ("caseworker_heusden", 200),
        ("caseworker_waalwijk", 404),
        ("coordinator", 200),
        ("alderman", 403),  # may see the briefing, not change anything
        ("employer_contact_a", 403),
    ],
)
@pytest.mark.parametrize("url_name", ["visits:edit", "visits:report", "visits:signups"])
def test_manage_pages_per_role(client, request, visit, user_fixture, status, url_name):
    visit.starts_at = timezone.now() - datetime.timedelta(hours=1)
    visit.save()
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse(url_name, args=[visit.pk])).status_code == status


def test_alderman_does_not_open_a_visit_he_does_not_join(client, alderman, employer):
    other = VisitFactory(employer=employer)
    client.force_login(alderman)
    assert client.get(reverse("visits:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("visits:briefing", args=[other.pk])).status_code == 404
    # ... but it is on his agenda, as a line without a link.
    response = client.get(
        reverse("visits:list"), {"date": timezone.localdate(other.starts_at).isoformat()}
    )
    assert other.employer.trade_name in response.content.decode()
    assert reverse("visits:detail", args=[other.pk]) not in response.content.decode()


def test_alderman_sees_no_job_seeker_names(client, alderman, visit, caseworker_heusden):
    from visits import services

    js = JobSeekerFactory(joins_visits=True, first_name="Geheim", last_name="Persoon")
    services.visit_jobseeker_sign_up(visit=visit, jobseeker=js, signed_up_by=caseworker_heusden)
    client.force_login(alderman)
    for name, count_text in [
        ("visits:detail", "1 van 3 plaatsen bezet"),
        ("visits:briefing", "1 werkzoekende gaat mee"),
    ]:
        body = client.get(reverse(name, args=[visit.pk])).content.decode()
        assert "Geheim" not in body and "Persoon" not in body
        assert count_text in body


def test_guessed_ids_are_404(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    assert client.get(reverse("visits:detail", args=[999999])).status_code == 404
    assert client.get(reverse("visits:briefing", args=[999999])).status_code == 404


def test_employer_contact_has_no_agenda(client, employer_contact_a):
    client.force_login(employer_contact_a)
    assert client.get(reverse("visits:list")).status_code == 403


def test_anonymous_is_sent_to_login(client, visit):
    response = client.get(reverse("visits:detail", args=[visit.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_employer_contact_sees_own_company_visits(employer_contact_a, employer_contact_b, visit):
    from visits.models import Visit

    EmployerContactFactory(employer=visit.employer, user=employer_contact_a)
    EmployerContactFactory(user=employer_contact_b)
    VisitFactory()  # another company
    assert list(Visit.objects.visible_to(employer_contact_a)) == [visit]
    assert list(Visit.objects.visible_to(employer_contact_b)) == []


# --- Agenda ---------------------------------------------------------------------------------


def _visits_on(day, employer, n):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    return [
        VisitFactory(employer=employer, starts_at=start + datetime.timedelta(hours=i % 8))
        for i in range(n)
    ]


@pytest.mark.parametrize("view", ["week", "month"])
def test_agenda_query_count_is_constant(
    client, caseworker_heusden, employer, alderman, django_assert_max_num_queries, view
):
    client.force_login(caseworker_heusden)
    day = timezone.localdate()
    url = reverse("visits:list")
    for visit in _visits_on(day, employer, 2):
        visit.staff.create(user=alderman)
    with django_assert_max_num_queries(18) as small:
        client.get(url, {"view": view, "date": day.isoformat()})
    for visit in _visits_on(day, employer, 20):
        visit.staff.create(user=alderman)
        visit.signups.create(jobseeker=JobSeekerFactory(joins_visits=True))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, {"view": view, "date": day.isoformat()})
    body = response.content.decode()
    if view == "week":
        assert body.count(employer.trade_name) == 22
    else:  # a full day's cell shows its first visits and links to the rest
        shown = MONTH_CELL_VISITS - 1
        assert body.count(employer.trade_name) == shown
        assert f"+{22 - shown} meer" in body
    assert "22 bezoeken in deze periode" in body


def test_month_cell_of_a_full_day_links_to_its_week(client, caseworker_heusden, employer, heusden):
    """A cell shows at most MONTH_CELL_VISITS visits; a fuller day shows one less and "+N meer",
    a link to that day in the week view (filters kept). The count says every visit."""
    client.force_login(caseworker_heusden)
    today = timezone.localdate()
    first = today.replace(day=1)
    quiet, busy = first + datetime.timedelta(days=9), first + datetime.timedelta(days=16)
    _visits_on(quiet, employer, MONTH_CELL_VISITS)
    busy_visits = _visits_on(busy, EmployerFactory(municipality=heusden), MONTH_CELL_VISITS + 3)
    params = {"view": "month", "date": today.isoformat(), "municipality": heusden.pk}
    response = client.get(reverse("visits:list"), params)
    cells = {d["date"]: d for d in response.context["days"]}
    assert len(cells[quiet]["visits"]) == MONTH_CELL_VISITS and cells[quiet]["more"] == 0
    shown = sorted(busy_visits, key=lambda v: (v.starts_at, v.pk))[: MONTH_CELL_VISITS - 1]
    assert [v.pk for v in cells[busy]["visits"]] == [v.pk for v in shown]
    assert cells[busy]["more"] == 4
    body = response.content.decode()
    link = (
        f"?view=week&amp;date={busy.isoformat()}&amp;municipality={heusden.pk}"
        f"#day-{busy.isoformat()}"
    )
    assert f'href="{link}">+4 meer' in body
    assert f"{2 * MONTH_CELL_VISITS + 3} bezoeken in deze periode" in body
    week = client.get(reverse("visits:list"), {"view": "week", "date": busy.isoformat()})
    assert f'id="day-{busy.isoformat()}"' in week.content.decode()
    assert len({v.pk for d in week.context["days"] for v in d["visits"]}) == MONTH_CELL_VISITS + 3


def test_agenda_filters_by_municipality_and_alderman(
    client, coordinator, employer, alderman, waalwijk_visit
):
    day = timezone.localdate(waalwijk_visit.starts_at)
    (with_alderman,) = _visits_on(day, employer, 1)
    with_alderman.staff.create(user=alderman)
    client.force_login(coordinator)
    url = reverse("visits:list")
    body = client.get(url, {"date": day}).content.decode()
    assert employer.trade_name in body and waalwijk_visit.employer.trade_name in body
    body = client.get(
        url, {"date": day, "municipality": waalwijk_visit.employer.municipality_id}
    ).content.decode()
    assert employer.trade_name not in body and waalwijk_visit.employer.trade_name in body
    body = client.get(url, {"date": day, "alderman": alderman.pk}).content.decode()
    assert employer.trade_name in body and waalwijk_visit.employer.trade_name not in body


def test_caseworker_agenda_shows_only_own_region(client, caseworker_heusden, visit, waalwijk_visit):
    client.force_login(caseworker_heusden)
    body = client.get(
        reverse("visits:list"), {"date": timezone.localdate(visit.starts_at)}
    ).content.decode()
    assert visit.employer.trade_name in body
    assert waalwijk_visit.employer.trade_name not in body


# --- Plan, sign up, report ------------------------------------------------------------------


def test_caseworker_plans_a_visit(client, caseworker_heusden, employer, alderman):
    host = EmployerContactFactory(employer=employer)
    client.force_login(caseworker_heusden)
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        reverse("visits:plan"),
        {
            "employer": employer.pk,
            "date": day.isoformat(),
            "time": "10:30",
            "duration_minutes": 60,
            "place": "",
            "purpose": "Kennismaken",
            "host": host.pk,
            "capacity": 2,
            "aldermen": [alderman.pk],
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert timezone.localtime(visit.starts_at).hour == 10
    assert visit.place.startswith("Molenstraat 12")
    assert set(visit.staff.values_list("user", flat=True)) == {caseworker_heusden.pk, alderman.pk}


def test_plan_form_keeps_input_and_explains_errors(client, caseworker_heusden, employer, waalwijk):
    other_employer = EmployerFactory(municipality=waalwijk)
    client.force_login(caseworker_heusden)
    response = client.post(
        reverse("visits:plan"),
        {
            "employer": other_employer.pk,  # not in her region
            "date": "2020-01-01",
            "time": "10:00",
            "duration_minutes": 60,
            "purpose": "Mijn doel blijft staan",
            "capacity": 2,
        },
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()
    body = response.content.decode()
    assert "Mijn doel blijft staan" in body
    assert "Selecteer een geldige keuze" in body
    assert "Plan een bezoek in de toekomst" in body


def test_htmx_sign_up_and_the_full_message(client, caseworker_heusden, visit):
    visit.capacity = 1
    visit.save()
    first, second = JobSeekerFactory(joins_visits=True), JobSeekerFactory(joins_visits=True)
    client.force_login(caseworker_heusden)
    url = reverse("visits:signup_add", args=[visit.pk])
    response = client.post(url, {"jobseeker": first.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "is aangemeld" in response.content.decode()
    response = client.post(url, {"jobseeker": second.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Dit bezoek is vol" in response.content.decode()
    assert list(VisitSignUp.objects.values_list("jobseeker", flat=True)) == [first.pk]


def test_sign_up_without_consent_is_refused_with_a_message(client, caseworker_heusden, visit):
    """Nobody without consent is offered (test_guide.py); a forged choice is still explained."""

    js = JobSeekerFactory()
    client.force_login(caseworker_heusden)
    response = client.post(
        reverse("visits:signup_add", args=[visit.pk]), {"jobseeker": js.pk}, follow=True
    )
    assert response.status_code == 200
    assert "met een geldige toestemming om mee te gaan op bedrijfsbezoek" in (
        response.content.decode()
    )
    assert not VisitSignUp.objects.exists()


def test_cannot_sign_up_someone_outside_the_region(client, caseworker_heusden, visit, waalwijk):
    js = JobSeekerFactory(joins_visits=True, municipality=waalwijk)
    client.force_login(caseworker_heusden)
    client.post(reverse("visits:signup_add", args=[visit.pk]), {"jobseeker": js.pk})
    assert not VisitSignUp.objects.exists()


def test_suggestions_are_shown_with_reasons(client, caseworker_heusden, visit):
    from baanbrekers.services import skills_from_names

    (baking,) = skills_from_names(["bakken"])
    visit.employer.valued_skills.add(baking)
    js = JobSeekerFactory(joins_visits=True, first_name="Bakker")
    js.interests.add(baking)
    client.force_login(caseworker_heusden)
    body = client.get(reverse("visits:signups", args=[visit.pk])).content.decode()
    assert "Bakker" in body
    assert "Interesses en hobby&#x27;s die passen: bakken" in body


def test_report_form_saves_report_click_and_follow_ups(client, caseworker_heusden, visit):
    from visits import services

    anna = JobSeekerFactory(joins_visits=True)
    services.visit_jobseeker_sign_up(visit=visit, jobseeker=anna, signed_up_by=caseworker_heusden)
    visit.starts_at = timezone.now() - datetime.timedelta(hours=2)
    visit.save()
    client.force_login(caseworker_heusden)
    url = reverse("visits:report", args=[visit.pk])
    management = {"actions-TOTAL_FORMS": 3, "actions-INITIAL_FORMS": 0}
    # A half-filled action row: an error next to the field, nothing saved, input kept.
    response = client.post(
        url,
        {
            "learnt": "Veel geleerd",
            f"click_{anna.pk}": "on",
            "actions-0-what": "Bellen",
            **management,
        },
    )
    assert response.status_code == 200
    assert "Veel geleerd" in response.content.decode()
    assert not VisitReport.objects.exists() and not FollowUp.objects.exists()
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client.post(
        url,
        {
            "learnt": "Veel geleerd",
            f"click_{anna.pk}": "on",
            f"note_{anna.pk}": "Proefdag",
            "actions-0-what": "Bellen",
            "actions-0-owner": caseworker_heusden.pk,
            "actions-0-due_on": due,
            **management,
        },
    )
    assert response.status_code == 302
    assert Click.objects.get().note == "Proefdag"
    assert FollowUp.objects.count() == 3


# --- Calendars ------------------------------------------------------------------------------


def test_feed_page_and_renewal_invalidate_the_old_feed(client, caseworker_heusden, visit):
    from visits.models import CalendarFeedToken

    client.force_login(caseworker_heusden)
    page = client.get(reverse("visits:calendar"))
    token = CalendarFeedToken.objects.get(user=caseworker_heusden).token
    old_url = reverse("visits:feed", args=[token])
    assert old_url in page.content.decode()
    client.logout()
    assert client.get(old_url).status_code == 200
    client.force_login(caseworker_heusden)
    # Without ticking the box nothing is renewed (issue 11: confirm destructive actions).
    assert "Vink aan" in client.post(reverse("visits:calendar")).content.decode()
    assert CalendarFeedToken.objects.get(user=caseworker_heusden).token == token
    client.post(reverse("visits:calendar"), {"confirm": "on"})
    client.logout()
    new_token = CalendarFeedToken.objects.get(user=caseworker_heusden).token
    assert client.get(old_url).status_code == 404
    assert client.get(reverse("visits:feed", args=[new_token])).status_code == 200
    assert client.get(reverse("visits:feed", args=["guessed-token"])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_up_requests_never_overfill_and_losers_get_a_message(
    caseworker_heusden, caseworker_heusden_2, heusden
):
    """Two caseworkers, each in their own request and database connection, sign up at once."""
    import threading

    from django.db import connection
    from django.test import Client

    visit = VisitFactory(employer__municipality=heusden, capacity=2)
    jobseekers = [JobSeekerFactory(joins_visits=True) for _ in range(6)]
    users = [caseworker_heusden, caseworker_heusden_2]
    clients = []
    for i in range(len(jobseekers)):
        c = Client()
        c.force_login(users[i % 2])
        clients.append(c)
    barrier = threading.Barrier(len(jobseekers))
    responses = []
    lock = threading.Lock()
    url = reverse("visits:signup_add", args=[visit.pk])

    def post(c, js):
        try:
            barrier.wait(timeout=10)
            response = c.post(url, {"jobseeker": js.pk}, HTTP_HX_REQUEST="true")
        finally:
            connection.close()
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=post, args=a) for a in zip(clients, jobseekers, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert [r.status_code for r in responses] == [200] * 6
    bodies = [r.content.decode() for r in responses]
    assert sum("is aangemeld." in b for b in bodies) == 2
    # The losers are told it is full (the second winner's answer says so too, since issue 11).
    assert sum("Dit bezoek is vol" in b and "is aangemeld." not in b for b in bodies) == 4
    assert VisitSignUp.objects.filter(visit=visit).count() == 2


def test_edit_refuses_a_capacity_below_the_sign_ups_next_to_the_field(
    client, caseworker_heusden, visit
):
    from visits import services

    for _ in range(2):
        services.visit_jobseeker_sign_up(
            visit=visit,
            jobseeker=JobSeekerFactory(joins_visits=True),
            signed_up_by=caseworker_heusden,
        )
    client.force_login(caseworker_heusden)
    local = timezone.localtime(visit.starts_at)
    response = client.post(
        reverse("visits:edit", args=[visit.pk]),
        {
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "duration_minutes": 60,
            "place": "",
            "purpose": "Nieuw doel",
            "capacity": 1,
        },
    )
    assert response.status_code == 200
    assert "Er zijn al 2 werkzoekenden aangemeld" in response.content.decode()
    visit.refresh_from_db()
    assert visit.capacity == 3 and visit.purpose != "Nieuw doel"


def test_cancel_and_mark_an_action_done(client, caseworker_heusden, visit):
    from visits.models import VisitAction, VisitStatus

    action = VisitAction.objects.create(
        visit=visit, what="Bellen", owner=caseworker_heusden, due_on=timezone.localdate()
    )
    client.force_login(caseworker_heusden)
    client.post(reverse("visits:action_done", args=[visit.pk, action.pk]))
    action.refresh_from_db()
    assert action.done and action.done_at
    client.post(reverse("visits:cancel", args=[visit.pk]), {"confirm": "on"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED


def test_alderman_cannot_cancel_or_sign_up(client, alderman, visit):
    from visits.models import VisitStatus

    client.force_login(alderman)
    # The role gate answers before the visit is looked up: 403, as for every back-office page.
    assert client.post(reverse("visits:cancel", args=[visit.pk])).status_code == 403
    js = JobSeekerFactory(joins_visits=True)
    response = client.post(reverse("visits:signup_add", args=[visit.pk]), {"jobseeker": js.pk})
    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED and not visit.signups.exists()


# --- A caseworker who joins a visit outside their region ------------------------------------


@pytest.fixture
def visit_with_someone_of_waalwijk(
    waalwijk_visit, waalwijk, caseworker_heusden, caseworker_waalwijk
):
    """A Waalwijk visit that the Heusden caseworker joins, with a Waalwijk job seeker who came
    and clicked with the company."""
    from visits import services

    fatima = JobSeekerFactory(
        joins_visits=True, municipality=waalwijk, first_name="Fatima", last_name="Verborgenhuis"
    )
    services.visit_jobseeker_sign_up(
        visit=waalwijk_visit, jobseeker=fatima, signed_up_by=caseworker_waalwijk
    )
    waalwijk_visit.staff.create(user=caseworker_heusden)
    return waalwijk_visit, fatima


def test_caseworker_joining_a_visit_elsewhere_sees_clicks_of_other_regions_by_initials_only(
    client, caseworker_heusden, caseworker_waalwijk, visit_with_someone_of_waalwijk
):
    from visits import services

    visit, fatima = visit_with_someone_of_waalwijk
    Visit.objects.filter(pk=visit.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    visit.refresh_from_db()
    services.visit_report_save(
        visit=visit,
        written_by=caseworker_waalwijk,
        learnt="Veel geleerd",
        new_openings="",
        story_field="",
        clicks=[services.ClickInput(fatima, "Proefdag")],
        actions=[],
    )
    client.force_login(caseworker_heusden)
    body = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "Fatima V." in body and "Proefdag" in body
    assert "Verborgenhuis" not in body
    # Her own caseworker still sees her full name.
    client.force_login(caseworker_waalwijk)
    body = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "Fatima Verborgenhuis" in body


def test_caseworker_joining_a_visit_elsewhere_writes_the_report_without_other_regions_names(
    client, caseworker_heusden, visit_with_someone_of_waalwijk
):
    visit, fatima = visit_with_someone_of_waalwijk
    Visit.objects.filter(pk=visit.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    client.force_login(caseworker_heusden)
    body = client.get(reverse("visits:report", args=[visit.pk])).content.decode()
    assert f'name="click_{fatima.pk}"' in body and "Fatima V." in body
    assert "Verborgenhuis" not in body


def test_removing_someone_of_another_region_does_not_reveal_their_full_name(
    client, caseworker_heusden, visit_with_someone_of_waalwijk
):
    visit, fatima = visit_with_someone_of_waalwijk
    client.force_login(caseworker_heusden)
    url = reverse("visits:signup_remove", args=[visit.pk, fatima.pk])
    body = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Fatima V." in body
    assert "Verborgenhuis" not in body
