import datetime
import logging

import pytest
from django.urls import reverse

from baanbrekers.models import AuditEvent
from jobseekers.models import JobSeeker
from tests.jobseekers.factories import JobSeekerFactory, make_bsn

pytestmark = pytest.mark.django_db

LIST = reverse("jobseekers:list")


def detail(person):
    return reverse("jobseekers:detail", args=[person.pk])


def valid_form(municipality, **changes):
    data = {
        "first_name": "Noor",
        "last_name": "de Wit",
        "bsn": "123456782",
        "birth_date": "1992-03-04",
        "postcode": "5251ab",
        "municipality": municipality.pk,
        "status": "active",
        "benefit_type": "pw",
        "ladder_step": "3",
        "skills": "koken, Lassen",
        "interests": "sleutelen aan brommers",
        "hours_available": "24",
        "max_travel_km": "15",
    }
    data.update(changes)
    return data


# --- list ---------------------------------------------------------------------------------


def test_list_shows_own_municipality_with_masked_bsn(
    client, caseworker_heusden, heusden_person, waalwijk_person
):
    client.force_login(caseworker_heusden)
    html = client.get(LIST).content.decode()
    assert "van Dongen" in html
    assert "*****2333" in html
    assert "111222333" not in html
    assert "Verhoeven" not in html


def test_coordinator_sees_everyone(client, coordinator, heusden_person, waalwijk_person):
    client.force_login(coordinator)
    html = client.get(LIST).content.decode()
    assert "van Dongen" in html and "Verhoeven" in html


@pytest.mark.parametrize("who", ["alderman", "employer_contact_a"])
def test_aldermen_and_employers_never_get_job_seeker_pages(client, request, who, heusden_person):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    response = client.get(detail(heusden_person))
    assert response.status_code in (403, 404)
    assert "van Dongen" not in response.content.decode()
    assert client.post(reverse("jobseekers:reveal_bsn", args=[heusden_person.pk])).status_code in (
        403,
        404,
    )
    assert not AuditEvent.objects.exists()


def test_anonymous_is_sent_to_login(client, heusden_person):
    response = client.get(detail(heusden_person))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_caseworker_of_another_municipality_gets_404_on_every_page(
    client, caseworker_waalwijk, heusden_person
):
    client.force_login(caseworker_waalwijk)
    pk = heusden_person.pk
    assert client.get(detail(heusden_person)).status_code == 404
    assert client.get(reverse("jobseekers:update", args=[pk])).status_code == 404
    assert client.post(reverse("jobseekers:reveal_bsn", args=[pk])).status_code == 404
    assert (
        client.post(reverse("jobseekers:note_add", args=[pk]), {"text": "hoi"}).status_code == 404
    )
    assert client.get(reverse("jobseekers:detail", args=[999999])).status_code == 404
    assert not heusden_person.notes.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "dong"}, {"Ricardo"}),
        ({"q": "ricardo van"}, {"Ricardo"}),
        ({"q": "5251"}, {"Ricardo"}),
        ({"q": "5252 xy"}, {"Anouk"}),
        ({"q": "brommer"}, {"Ricardo"}),
        ({"q": "lassen"}, {"Anouk"}),
        ({"skill": "KOKEN"}, {"Ricardo"}),
        ({"skill": "kok"}, set()),
        ({"ladder_step": "5"}, {"Anouk"}),
        ({"status": "working"}, {"Anouk"}),
        ({"status": "active", "ladder_step": "3"}, {"Ricardo"}),
        ({}, {"Ricardo", "Anouk"}),
    ],
)
def test_search_and_filters(client, coordinator, heusden, heusden_person, params, expected):
    JobSeekerFactory(
        first_name="Anouk",
        last_name="Bakker",
        municipality=heusden,
        postcode="5252 XY",
        ladder_step=5,
        status="working",
        skills=["lassen"],
    )
    client.force_login(coordinator)
    page = client.get(LIST, params).context["page"]
    assert {p.first_name for p in page.object_list} == expected


def test_a_two_letter_search_matches_inside_names_and_words_of_own_municipalities_only(
    client, caseworker_heusden, heusden, waalwijk
):
    """Two letters cannot use the trigram indexes and are tested row by row: still "contains"
    (not only a prefix), over names, skills and interests, within the user's municipalities."""
    JobSeekerFactory(first_name="Sander", last_name="Bakker", municipality=heusden)
    JobSeekerFactory(first_name="Ans", last_name="de Wit", municipality=heusden)
    JobSeekerFactory(first_name="Piet", last_name="Smit", municipality=heusden, skills=["modellen"])
    JobSeekerFactory(first_name="Kees", last_name="Smit", municipality=heusden, skills=["koken"])
    JobSeekerFactory(first_name="Dewi", last_name="Jansen", municipality=waalwijk)
    client.force_login(caseworker_heusden)
    page = client.get(LIST, {"q": "de"}).context["page"]
    assert {p.first_name for p in page.object_list} == {"Sander", "Ans", "Piet"}


def test_filters_by_municipality_and_caseworker(
    client, coordinator, caseworker_heusden, heusden_person, waalwijk_person, waalwijk
):
    JobSeeker.objects.filter(pk=heusden_person.pk).update(caseworker=caseworker_heusden)
    client.force_login(coordinator)
    by_town = client.get(LIST, {"municipality": waalwijk.pk}).context["page"]
    assert [p.pk for p in by_town.object_list] == [waalwijk_person.pk]
    by_worker = client.get(LIST, {"caseworker": caseworker_heusden.pk}).context["page"]
    assert [p.pk for p in by_worker.object_list] == [heusden_person.pk]


def test_sorting_by_ladder_step_descending(client, coordinator, heusden):
    for step in (2, 6, 4):
        JobSeekerFactory(municipality=heusden, ladder_step=step)
    client.force_login(coordinator)
    page = client.get(LIST, {"sort": "-ladder"}).context["page"]
    assert [p.ladder_step for p in page.object_list] == [6, 4, 2]


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_rows(
    client, caseworker_heusden, heusden, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        JobSeekerFactory(municipality=heusden, skills=["koken", "lassen"], interests=["voetbal"])
    client.force_login(caseworker_heusden)
    client.get(LIST)  # the first request of a session records the session itself
    # session, user, TOTP check, user session, count, rows, the page's skills and interests (one
    # query), two filter choice lists, session save, the page's one audit event (issue 13): none
    # of them per row
    with django_assert_max_num_queries(14):
        response = client.get(LIST, {"per_page": 50})
    assert len(response.context["page"].object_list) == rows


def test_list_queries_are_the_same_for_5_and_50_rows(
    client, caseworker_heusden, heusden, django_assert_num_queries
):
    client.force_login(caseworker_heusden)
    client.get(LIST)
    counts = []
    for target in (5, 50):
        while JobSeeker.objects.count() < target:
            JobSeekerFactory(municipality=heusden, skills=["koken"], interests=["voetbal"])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get(LIST, {"per_page": 50, "q": "achternaam"})
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- BSN search --------------------------------------------------------------------------


def test_bsn_search_is_a_post_that_redirects_to_the_file(
    client, caseworker_heusden, heusden_person
):
    client.force_login(caseworker_heusden)
    response = client.post(reverse("jobseekers:bsn_search"), {"bsn": "111 222 333"})
    assert response.status_code == 302
    assert response["Location"] == detail(heusden_person)
    assert "111222333" not in response["Location"]
    assert client.get(LIST, {"bsn": "111222333"}).context["page"].paginator.count == 1
    event = AuditEvent.objects.get(action="search")
    assert event.detail == {"by": "bsn", "found": True}


def test_bsn_search_outside_scope_says_not_found(client, caseworker_waalwijk, heusden_person):
    client.force_login(caseworker_waalwijk)
    response = client.post(reverse("jobseekers:bsn_search"), {"bsn": "111222333"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Er is geen werkzoekende met dit BSN gevonden" in html
    assert "van Dongen" not in html
    assert "111222333" not in html


def test_bsn_search_with_bad_input_explains_and_does_not_echo(client, caseworker_heusden, caplog):
    client.force_login(caseworker_heusden)
    with caplog.at_level(logging.DEBUG):
        response = client.post(reverse("jobseekers:bsn_search"), {"bsn": "123456789"})
    html = response.content.decode()
    assert "elfproef" in html
    assert "123456789" not in html
    assert "123456789" not in caplog.text
    assert not AuditEvent.objects.exists()


def test_a_bsn_in_the_free_text_search_is_dropped_from_the_address(
    client, caseworker_heusden, heusden_person
):
    client.force_login(caseworker_heusden)
    response = client.get(LIST, {"q": "111 222 333", "status": "active"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?status=active"
    page = client.get(response["Location"])
    assert "Gebruik het zoekveld voor een BSN" in page.content.decode()


def test_bsn_search_is_not_accepted_as_get(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    assert client.get(reverse("jobseekers:bsn_search"), {"bsn": "111222333"}).status_code == 405


# --- detail, reveal, notes, consents ------------------------------------------------------


def test_detail_masks_the_bsn_and_logs_the_view(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    response = client.get(detail(heusden_person))
    html = response.content.decode()
    assert "*****2333" in html
    assert "111222333" not in html
    assert "sleutelen aan brommers" in html
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_id) == (
        "view",
        caseworker_heusden,
        str(heusden_person.pk),
    )


def test_opening_the_edit_form_is_logged_as_a_view_and_not_cached(
    client, caseworker_heusden, heusden_person
):
    """The edit form shows the whole file (benefit, limitations, contact), like the detail."""
    client.force_login(caseworker_heusden)
    response = client.get(reverse("jobseekers:update", args=[heusden_person.pk]))
    assert response.status_code == 200
    assert "111222333" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_id) == (
        "view",
        caseworker_heusden,
        str(heusden_person.pk),
    )


def test_show_bsn_button_swaps_in_the_value_and_logs_it(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    url = reverse("jobseekers:reveal_bsn", args=[heusden_person.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "111222333" in html
    assert "<html" not in html
    assert AuditEvent.objects.filter(action="reveal", actor=caseworker_heusden).count() == 1


def test_note_in_place_returns_the_refreshed_timeline(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    url = reverse("jobseekers:note_add", args=[heusden_person.pk])
    response = client.post(url, {"text": "Wil graag techniek proberen"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="timeline"' in html and "Wil graag techniek proberen" in html
    assert "<html" not in html
    empty = client.post(url, {"text": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "Schrijf eerst een notitie" in empty
    assert heusden_person.notes.count() == 1


def test_consents_are_recorded_and_withdrawn(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    today = datetime.date.today()
    url = reverse("jobseekers:consent_add", args=[heusden_person.pk])
    bad = client.post(
        url,
        {"kind": "join_visits", "given_on": today, "valid_until": today - datetime.timedelta(1)},
    )
    assert "De einddatum kan niet voor" in bad.content.decode()
    assert not heusden_person.consents.exists()
    response = client.post(
        url,
        {"kind": "join_visits", "given_on": today, "valid_until": today + datetime.timedelta(90)},
    )
    assert response.status_code == 302
    consent = heusden_person.consents.get()
    assert heusden_person.consents.valid("join_visits").exists()
    withdraw = reverse("jobseekers:consent_withdraw", args=[heusden_person.pk, consent.pk])
    client.post(withdraw, {"confirm": "on"})  # the confirmation box (issue 11)
    assert not heusden_person.consents.valid("join_visits").exists()
    timeline = client.get(detail(heusden_person)).content.decode()
    assert "Toestemming ingetrokken" in timeline


# --- forms --------------------------------------------------------------------------------


def test_create_form_saves_with_normalised_postcode(client, caseworker_heusden, heusden):
    client.force_login(caseworker_heusden)
    response = client.post(reverse("jobseekers:create"), valid_form(heusden))
    person = JobSeeker.objects.get()
    assert response["Location"] == detail(person)
    assert person.postcode == "5251 AB"
    assert person.reveal_bsn() == "123456782"
    assert {s.name.lower() for s in person.skills.all()} == {"koken", "lassen"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bsn", "123456789", "elfproef"),
        ("bsn", "12345", "precies 9 cijfers"),
        ("postcode", "12345", "vier cijfers en twee letters"),
        ("ladder_step", "7", "treden 1 tot en met 6"),
        ("ladder_step", "0", "treden 1 tot en met 6"),
        # The limits table (baanbrekers/limits.py).
        ("hours_available", "61", "1 tot en met 60 uur per week"),
        ("phone", "06-1234", "geldig telefoonnummer"),
        ("postcode", "1011 AB", "buiten onze regio"),
        ("limitations", "x" * 5001, "hoogstens 5.000 tekens"),
    ],
)
def test_create_form_errors_are_dutch_keep_input_and_save_nothing(
    client, caseworker_heusden, heusden, caplog, field, value, message
):
    client.force_login(caseworker_heusden)
    with caplog.at_level(logging.DEBUG):
        response = client.post(reverse("jobseekers:create"), valid_form(heusden, **{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Noor"' in html  # what was typed is kept
    assert not JobSeeker.objects.exists()
    assert "123456789" not in caplog.text


def test_create_form_refuses_a_known_bsn_without_saying_who(
    client, caseworker_waalwijk, waalwijk, heusden_person
):
    client.force_login(caseworker_waalwijk)
    response = client.post(reverse("jobseekers:create"), valid_form(waalwijk, bsn="111222333"))
    html = response.content.decode()
    assert "Er bestaat al een werkzoekende met dit BSN" in html
    assert "van Dongen" not in html
    assert JobSeeker.objects.count() == 1


def test_create_form_offers_only_own_municipalities(client, caseworker_heusden, waalwijk):
    client.force_login(caseworker_heusden)
    response = client.post(reverse("jobseekers:create"), valid_form(waalwijk, bsn=make_bsn()))
    assert response.status_code == 200
    assert not JobSeeker.objects.exists()


def test_edit_keeps_the_bsn_when_left_empty(client, caseworker_heusden, heusden, heusden_person):
    client.force_login(caseworker_heusden)
    form = client.get(reverse("jobseekers:update", args=[heusden_person.pk])).content.decode()
    assert "111222333" not in form and "*****2333" in form
    response = client.post(
        reverse("jobseekers:update", args=[heusden_person.pk]),
        valid_form(heusden, bsn="", first_name="Ricardo", last_name="van Dongen", ladder_step=5),
    )
    assert response.status_code == 302
    heusden_person.refresh_from_db()
    assert heusden_person.ladder_step == 5
    assert heusden_person.reveal_bsn() == "111222333"
    update = AuditEvent.objects.get(action="update")
    assert "ladder_step" in update.detail["fields"]
    assert "bsn" not in update.detail["fields"]


# --- The person-centred file (issue 11) -----------------------------------------------------
FILE_KINDS = {
    "visit",
    "click",
    "proposal",
    "placement",
    "checkin",
    "evaluation",
    "job",
    "jobcheck",
    "buddy",
    "meeting",
    "introduction",
    "followup",
    "note",
    "consent",
}


@pytest.fixture
def full_file(caseworker_heusden, heusden_person, bakery_heusden):
    from tests.jobseekers.factories import ConsentFactory, NoteFactory
    from tests.placements.factories import make_file_records

    for kind in ("share_profile", "introduction", "join_visits"):
        ConsentFactory(jobseeker=heusden_person, kind=kind)
    NoteFactory(jobseeker=heusden_person, text="Belde over de bijstand")
    make_file_records(user=caseworker_heusden, jobseeker=heusden_person, employer=bakery_heusden)
    return heusden_person


def test_the_file_shows_one_timeline_of_everything_each_entry_linked(
    client, caseworker_heusden, full_file
):
    from placements.models import BuddyPairing, DevelopmentPlacement, Proposal
    from visits.models import Visit

    client.force_login(caseworker_heusden)
    response = client.get(detail(full_file))
    assert response.status_code == 200
    entries = response.context["timeline"]
    assert {e.kind for e in entries} >= FILE_KINDS
    # Newest first.
    keys = [e.sort_key for e in entries]
    assert keys == sorted(keys, reverse=True)
    html = response.content.decode()
    for url in (
        reverse("visits:detail", args=[Visit.objects.get().pk]),
        reverse("placements:proposal_detail", args=[Proposal.objects.get().pk]),
        reverse("placements:placement_detail", args=[DevelopmentPlacement.objects.get().pk]),
        reverse("placements:buddy_detail", args=[BuddyPairing.objects.get().pk]),
    ):
        assert f'href="{url}"' in html, url
    assert "Klikt met de chef" in html and "Drukkerij Heusden" in html
    assert "Na 6 maanden nog aan het werk?" in html
    # A follow-up links to what it is about (here the placement's page).
    followup = next(e for e in entries if e.kind == "followup")
    assert followup.url == reverse(
        "placements:placement_detail", args=[DevelopmentPlacement.objects.get().pk]
    )


def test_the_file_offers_the_next_steps(client, caseworker_heusden, full_file):
    client.force_login(caseworker_heusden)
    response = client.get(detail(full_file))
    actions = {a.key: a for a in response.context["file_actions"]}
    assert {"propose", "visit_signup", "buddy", "job", "status"} <= set(actions)
    html = response.content.decode()
    assert f'href="{reverse("placements:jobseeker_propose", args=[full_file.pk])}"' in html
    assert f'href="{reverse("placements:buddy_create", args=[full_file.pk])}"' in html
    assert f'href="{reverse("placements:job_create", args=[full_file.pk])}"' in html


def test_the_file_shows_only_what_the_user_may_see(
    client, caseworker_heusden, heusden_person, metal_waalwijk, caseworker_waalwijk
):
    """A visit to a Waalwijk company that the Heusden caseworker neither sees nor joins stays off
    the person's file (Visit.objects.visible_to); the coordinator sees it."""
    from tests.visits.factories import VisitFactory
    from visits.models import VisitSignUp

    visit = VisitFactory(employer=metal_waalwijk, purpose="Geheim bezoek")
    VisitSignUp.objects.create(visit=visit, jobseeker=heusden_person)
    client.force_login(caseworker_heusden)
    entries = client.get(detail(heusden_person)).context["timeline"]
    assert "visit" not in {e.kind for e in entries}


def test_the_file_uses_a_constant_number_of_queries(
    client, caseworker_heusden, full_file, bakery_heusden
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.placements.factories import make_file_records

    client.force_login(caseworker_heusden)
    client.get(detail(full_file))  # the session's first request writes it
    counts = []
    for grow in (0, 3):
        make_file_records(
            user=caseworker_heusden, jobseeker=full_file, employer=bakery_heusden, n=grow
        )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(detail(full_file)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# --- Status: read-only on the form and API, changed by hand through the status events --------
def test_the_edit_form_no_longer_sets_the_status(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    form = client.get(reverse("jobseekers:update", args=[heusden_person.pk])).context["form"]
    assert "status" not in form.fields and "left_on" not in form.fields
    data = valid_form(heusden_person.municipality, bsn="", status="left", left_on="2026-01-01")
    client.post(reverse("jobseekers:update", args=[heusden_person.pk]), data)
    heusden_person.refresh_from_db()
    assert heusden_person.status == "active" and heusden_person.left_on is None


def test_status_changes_by_hand_go_through_the_status_events_and_are_audited(
    client, caseworker_heusden, heusden_person
):
    url = reverse("jobseekers:status_change", args=[heusden_person.pk])
    client.force_login(caseworker_heusden)
    today = datetime.date.today()
    client.post(url, {"event": "left", "on": today.isoformat()})
    heusden_person.refresh_from_db()
    assert (heusden_person.status, heusden_person.left_on) == ("left", today)
    event = AuditEvent.objects.filter(action="update", object_id=str(heusden_person.pk)).latest(
        "pk"
    )
    assert event.detail["event"] == "left"
    client.post(url, {"event": "back_to_looking"})
    heusden_person.refresh_from_db()
    assert heusden_person.status == "active" and heusden_person.left_on is None


def test_someone_in_a_placement_is_not_set_to_left_by_hand(
    client, caseworker_heusden, heusden_person
):
    from tests.jobseekers.factories import ConsentFactory
    from tests.placements.factories import make_placement

    for kind in ("share_profile", "introduction"):
        ConsentFactory(jobseeker=heusden_person, kind=kind)
    make_placement(user=caseworker_heusden, jobseeker=heusden_person, status="active")
    client.force_login(caseworker_heusden)
    response = client.post(
        reverse("jobseekers:status_change", args=[heusden_person.pk]),
        {"event": "left"},
        follow=True,
    )
    assert "beëindig eerst de ontwikkelplek" in response.content.decode().lower()
    heusden_person.refresh_from_db()
    assert heusden_person.status == "in_placement"
    actions = {a.key for a in response.context["file_actions"]}
    assert "status" not in actions


def test_phone_numbers_are_stored_in_one_notation(client, caseworker_heusden, heusden):
    client.force_login(caseworker_heusden)
    client.post(reverse("jobseekers:create"), valid_form(heusden, phone="+31 6 1234 5678"))
    assert JobSeeker.objects.get().phone == "06 12345678"
