"""The job-seeker list's cheaper rendering (issue 14, load): what is reused between requests
must never show another language, a stale BSN or another user's choices."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from baanbrekers.crypto import encrypt, keyed_hash
from jobseekers import services
from jobseekers.models import JobSeeker
from jobseekers.selectors import jobseeker_words
from tests.jobseekers.factories import JobSeekerFactory, make_bsn

pytestmark = pytest.mark.django_db

LIST = reverse("jobseekers:list")


def _select(html: str, name: str) -> list[tuple[str, str, bool]]:
    """The options of one select: (value, label, selected)."""
    body = re.search(rf'<select[^>]* ?name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', body
        )
    ]


def test_blank_bsn_form_is_in_the_readers_language(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    # Dutch first, so a form kept from the first request would show Dutch to the English reader.
    dutch = client.get(LIST, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    english = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Het precieze BSN; de zoekactie wordt vastgelegd." in dutch
    assert "The exact BSN; the search is logged." in english
    assert "Het precieze BSN" not in english
    dutch_again = client.get(LIST, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Het precieze BSN; de zoekactie wordt vastgelegd." in dutch_again
    assert 'name="bsn"' in dutch_again and 'value="' not in _bsn_input(dutch_again)


def _bsn_input(html: str) -> str:
    return re.search(r'<input[^>]* name="bsn"[^>]*>', html).group(0)


def test_bsn_search_with_an_error_shows_the_error_not_the_blank_form(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    client.get(LIST, HTTP_ACCEPT_LANGUAGE="en")  # the blank form is rendered and kept
    page = client.post(reverse("jobseekers:bsn_search"), {"bsn": "12"}, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "utrecht-form-field--invalid" in html
    assert 'value="' not in _bsn_input(html)  # the BSN typed is not written back


def test_a_changed_bsn_shows_its_new_last_digits_on_the_next_list(client, caseworker_heusden):
    person = JobSeekerFactory(municipality=caseworker_heusden.municipalities.get())
    client.force_login(caseworker_heusden)
    before = client.get(LIST).content.decode()
    assert person.masked_bsn in before
    # Through the service ...
    new_bsn = _bsn_ending_differently(person.reveal_bsn())
    services.jobseeker_update(jobseeker=person, user=caseworker_heusden, data={}, bsn=new_bsn)
    after_service = client.get(LIST).content.decode()
    assert "*****" + new_bsn[-4:] in after_service
    # ... and written around every service, as a bulk update does.
    newer_bsn = _bsn_ending_differently(new_bsn)
    JobSeeker.objects.filter(pk=person.pk).update(
        bsn_encrypted=encrypt(newer_bsn), bsn_hash=keyed_hash(newer_bsn)
    )
    after_update = client.get(LIST).content.decode()
    assert "*****" + newer_bsn[-4:] in after_update
    assert "*****" + new_bsn[-4:] not in after_update


def _bsn_ending_differently(bsn: str) -> str:
    while True:
        other = make_bsn()
        if other[-4:] != bsn[-4:]:
            return other


def test_caseworkers_municipality_select_is_their_own_without_asking_again(
    client, caseworker_heusden, heusden, waalwijk
):
    JobSeekerFactory(municipality=heusden)
    client.force_login(caseworker_heusden)
    client.get(LIST)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(LIST, {"municipality": heusden.pk}).content.decode()
    assert _select(html, "municipality") == [
        ("", "Alle", False),
        (str(heusden.pk), "Heusden", True),
    ]
    # The user's municipalities are read once (for the scope), not again for the select.
    reads = [q for q in ctx.captured_queries if "baanbrekers_user_municipalities" in q["sql"]]
    municipality_reads = [q for q in reads if '"baanbrekers_municipality"."name"' in q["sql"]]
    assert len(municipality_reads) == 1


def test_coordinators_municipality_select_lists_every_municipality(
    client, coordinator, heusden, loon_op_zand, waalwijk
):
    client.force_login(coordinator)
    html = client.get(LIST, {"municipality": waalwijk.pk}).content.decode()
    options = _select(html, "municipality")
    assert [label for _, label, _ in options[1:]] == ["Heusden", "Loon op Zand", "Waalwijk"]
    assert [value for value, _, selected in options if selected] == [str(waalwijk.pk)]


def test_status_and_ladder_selects_keep_the_choice(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    html = client.get(
        LIST, {"status": "working", "ladder_step": "3"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    statuses = _select(html, "status")
    assert statuses[0] == ("", "All", False)
    assert [(value, label) for value, label, _ in statuses[1:]] == [
        ("active", "Active"),
        ("in_placement", "In a placement"),
        ("working", "Working"),
        ("left", "Left"),
    ]
    assert [value for value, _, selected in statuses if selected] == ["working"]
    ladder = _select(html, "ladder_step")
    assert [value for value, _, _ in ladder] == ["", "1", "2", "3", "4", "5", "6"]
    assert [value for value, _, selected in ladder if selected] == ["3"]


def test_caseworker_select_names_staff_of_the_users_municipalities(
    client, caseworker_heusden, caseworker_waalwijk, heusden
):
    client.force_login(caseworker_heusden)
    html = client.get(LIST, {"caseworker": caseworker_heusden.pk}).content.decode()
    options = _select(html, "caseworker")
    assert (str(caseworker_heusden.pk), str(caseworker_heusden), True) in options
    assert str(caseworker_waalwijk.pk) not in [value for value, _, _ in options]


def test_words_of_a_page_are_names_in_name_order(heusden):
    person = JobSeekerFactory(
        municipality=heusden, skills=["Lassen", "Koken"], interests=["Vissen", "Dammen"]
    )
    nobody = JobSeekerFactory(municipality=heusden, skills=[], interests=[])
    words = jobseeker_words([person.pk, nobody.pk, 987654321])
    skills, interests = words[person.pk]
    # The vocabulary keeps the spelling it first met ("Koken" or "koken").
    assert [w.lower() for w in skills] == ["koken", "lassen"]
    assert [w.lower() for w in interests] == ["dammen", "vissen"]
    assert words[nobody.pk] == ([], [])
    assert 987654321 not in words
    assert jobseeker_words([]) == {}
