"""A pipeline board that moves (issue 11): columns per stage; each card offers only what the
transitions table (placements/transitions.py) allows the user; a move is a plain POST form that
htmx enhances (the card lands in its new column), and without JavaScript it comes back to the
board. Before issue 11 the board was read-only: these tests failed.

Issue 14: a move that needs input is a link to its form, built on demand (htmx fetches it into
the card; without JavaScript the link opens a page with the form). The board builds no form.
"""

import re

import pytest
from django.urls import reverse

from placements.models import DevelopmentPlacement, PlacementStatus
from tests.placements.factories import make_placement

pytestmark = pytest.mark.django_db


def column(body: str, stage: str) -> str:
    """The HTML of one column of the board."""
    match = re.search(rf'<section[^>]*id="pl-col-{stage}".*?</section>', body, re.S)
    assert match, f"no column {stage}"
    return match.group(0)


def move_url(placement, action):
    return reverse("placements:board_action", args=[placement.pk, action])


def form_url(placement, action):
    return reverse("placements:board_action_form", args=[placement.pk, action])


@pytest.fixture
def proposed(coordinator, heusden_person):
    return make_placement(user=coordinator, jobseeker=heusden_person, status="proposed")


def test_board_has_a_column_per_stage_with_the_card_in_it(client, caseworker_heusden, proposed):
    client.force_login(caseworker_heusden)
    body = client.get(reverse("placements:pipeline")).content.decode()
    for stage in ("proposed", "agreed", "active", "finished"):
        column(body, stage)
    assert f'id="placement-{proposed.pk}"' in column(body, "proposed")


def test_a_card_offers_only_what_the_transitions_table_allows(client, caseworker_heusden, proposed):
    client.force_login(caseworker_heusden)
    card = column(client.get(reverse("placements:pipeline")).content.decode(), "proposed")
    # Proposed, displacement not yet checked: record the check, or end; agreeing waits, with why.
    assert f'href="{form_url(proposed, "confirm_no_displacement")}"' in card
    assert f'href="{form_url(proposed, "end_early")}"' in card
    assert move_url(proposed, "agree") not in card
    assert "geen reguliere baan verdringt" in card
    assert move_url(proposed, "start") not in card
    # The moves with input are links to their forms: the board itself builds no form.
    assert "<textarea" not in card and "<select" not in card


def test_a_moves_form_comes_on_demand_into_the_card_or_on_a_page_of_its_own(
    client, caseworker_heusden, proposed
):
    client.force_login(caseworker_heusden)
    url = form_url(proposed, "confirm_no_displacement")
    # With htmx: the form alone, open, posting the move and swapping the board; focus on its field.
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f'hx-post="{move_url(proposed, "confirm_no_displacement")}"' in fragment
    assert 'hx-target="#pl-board"' in fragment
    assert f'name="confirm_no_displacement-{proposed.pk}-note"' in fragment
    assert "autofocus" in fragment
    # Without JavaScript: a page with the same form, a plain POST back to the board.
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Controle op verdringing vastleggen" in page
    assert f'action="{move_url(proposed, "confirm_no_displacement")}"' in page
    assert "hx-post" not in page
    response = client.post(
        move_url(proposed, "confirm_no_displacement"),
        {f"confirm_no_displacement-{proposed.pk}-note": "Geen vacature bij deze werkgever."},
    )
    assert response.status_code == 302 and response["Location"] == reverse("placements:pipeline")
    proposed.refresh_from_db()
    assert proposed.no_displacement_confirmed


def test_a_moves_form_the_table_refuses_says_why(
    client, caseworker_heusden, caseworker_waalwijk, proposed
):
    client.force_login(caseworker_heusden)
    # Extending is for an active placement: no form, the reason instead (with or without htmx).
    response = client.get(form_url(proposed, "extend"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<form" not in response.content.decode()
    assert "Alleen een lopende ontwikkelplek" in response.content.decode()
    response = client.get(form_url(proposed, "extend"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("placements:pipeline")
    assert "Alleen een lopende ontwikkelplek" in response.content.decode()
    # A move without input has no form; an unknown move neither.
    assert client.get(form_url(proposed, "agree")).status_code == 404
    assert client.get(form_url(proposed, "explode")).status_code == 404
    # Another region's card: a 404, as for the move itself.
    client.force_login(caseworker_waalwijk)
    assert client.get(form_url(proposed, "end_early")).status_code == 404


def test_moving_a_card_with_htmx_puts_it_in_its_new_column(
    client, caseworker_heusden, coordinator, heusden_person
):
    placement = make_placement(user=coordinator, jobseeker=heusden_person)
    DevelopmentPlacement.objects.filter(pk=placement.pk).update(no_displacement_confirmed=True)
    client.force_login(caseworker_heusden)
    response = client.post(move_url(placement, "agree"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="placement-{placement.pk}"' in column(body, "agreed")
    assert f'id="placement-{placement.pk}"' not in column(body, "proposed")
    assert "<html" not in body  # a fragment, not the whole page
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.AGREED
    # The next step is offered on the moved card.
    assert move_url(placement, "start") in column(body, "agreed")


def test_without_javascript_a_move_comes_back_to_the_board(
    client, caseworker_heusden, coordinator, heusden_person
):
    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="agreed")
    client.force_login(caseworker_heusden)
    response = client.post(move_url(placement, "start"))
    assert response.status_code == 302 and response["Location"] == reverse("placements:pipeline")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE
    body = client.get(response["Location"]).content.decode()
    assert f'id="placement-{placement.pk}"' in column(body, "active")


def test_a_move_with_input_keeps_what_was_typed_and_says_what_is_wrong(
    client, caseworker_heusden, coordinator, heusden_person
):
    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="active")
    client.force_login(caseworker_heusden)
    data = {f"end_early-{placement.pk}-reason": "Verhuisd", f"end_early-{placement.pk}-outcome": ""}
    # Without JavaScript: the move's page again, with what was typed and the error.
    response = client.post(move_url(placement, "end_early"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Verhuisd" in page and "utrecht-form-field--invalid" in page
    assert f'action="{move_url(placement, "end_early")}"' in page
    # With htmx: the board, the card's form open with what was typed and the error.
    response = client.post(move_url(placement, "end_early"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    card = column(response.content.decode(), "active")
    assert "Verhuisd" in card and "utrecht-form-field--invalid" in card
    assert '<details class="pl-move" open>' in card
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE
    response = client.post(
        move_url(placement, "complete"),
        {f"complete-{placement.pk}-outcome": "paid_job_here"},
        HTTP_HX_REQUEST="true",
    )
    assert f'id="placement-{placement.pk}"' in column(response.content.decode(), "finished")


def test_a_move_the_table_refuses_changes_nothing(
    client, caseworker_heusden, coordinator, heusden_person
):
    placement = make_placement(
        user=coordinator, jobseeker=heusden_person, status="agreed", insurance_arranged=False
    )
    client.force_login(caseworker_heusden)
    card = column(client.get(reverse("placements:pipeline")).content.decode(), "agreed")
    assert move_url(placement, "start") not in card
    assert "Regel de verzekering" in card
    response = client.post(move_url(placement, "start"), follow=True)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.AGREED
    assert "Regel de verzekering" in response.content.decode()


def test_another_regions_card_cannot_be_moved(client, caseworker_waalwijk, proposed):
    client.force_login(caseworker_waalwijk)
    assert client.post(move_url(proposed, "end_early")).status_code == 404


def test_board_queries_stay_constant_with_actions_on_every_card(
    client, coordinator, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    client.get(reverse("placements:pipeline"))  # the session's first request writes it
    counts = []
    for _ in range(2):
        for status in ("proposed", "agreed", "active"):
            make_placement(user=coordinator, status=status)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("placements:pipeline")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def _person(heusden, first, last):
    from tests.jobseekers.factories import JobSeekerFactory

    return JobSeekerFactory(municipality=heusden, consenting=True, first_name=first, last_name=last)


def test_board_cards_are_the_templates_markup(client, caseworker_heusden, coordinator, heusden):
    """The board builds its cards in Python (views._BoardCard): the same HTML as
    placements/_board_card.html, the reference, for every kind of card, in both languages."""
    import datetime

    from django.template.loader import render_to_string
    from django.utils import timezone

    from tests.employers.factories import OpeningFactory

    tricky = OpeningFactory(
        placement=True, employer__in_waalwijk=True, employer__trade_name="Bakker & Zn <'t Hoekje>"
    )
    today = timezone.localdate()
    make_placement(user=coordinator, jobseeker=_person(heusden, "Sanne", 'de "Wit" <b>'))
    checked = make_placement(user=coordinator, jobseeker=_person(heusden, "Ahmed", "Bakker"))
    DevelopmentPlacement.objects.filter(pk=checked.pk).update(no_displacement_confirmed=True)
    make_placement(
        user=coordinator,
        jobseeker=_person(heusden, "Lotte", "Verhoeven"),
        status="agreed",
        insurance_arranged=False,
    )
    make_placement(user=coordinator, jobseeker=_person(heusden, "Daan", "Jansen"), status="agreed")
    make_placement(
        user=coordinator, jobseeker=_person(heusden, "Eva", "Smit"), status="active", opening=tricky
    )
    ending = make_placement(
        user=coordinator, jobseeker=_person(heusden, "Noah", "Visser"), status="active"
    )
    DevelopmentPlacement.objects.filter(pk=ending.pk).update(
        planned_end_date=today + datetime.timedelta(days=3), extension_count=99
    )
    make_placement(
        user=coordinator, jobseeker=_person(heusden, "Fleur", "Mulder"), status="completed"
    )
    make_placement(user=coordinator, jobseeker=_person(heusden, "Sem", "Bos"), status="ended_early")
    client.force_login(caseworker_heusden)
    for language in ("nl", "en"):
        response = client.get(reverse("placements:pipeline"), HTTP_ACCEPT_LANGUAGE=language)
        body = response.content.decode()
        cards = [p for column in response.context["columns"] for p in column["placements"]]
        assert len(cards) == 8
        for placement in cards:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', placement.card_html)
            context = {
                "placement": placement,
                "moved_id": None,
                "board_error": "",
                "board_error_id": None,
                "csrf_token": token.group(1) if token else "",
            }
            assert placement.card_html == render_to_string("placements/_board_card.html", context)
            assert placement.card_html in body
    # Each kind of card is there: a reason, a button, a link to a form, the ending soon mark, a
    # finished card's status with its link to record paid work, and escaped names.
    assert "&lt;b&gt;" in body and "Bakker &amp; Zn &lt;&#x27;t Hoekje&gt;" in body
    assert "pl-ending-soon" in body and "<button" in body and "pl-reason" in body
    assert "bb-status--completed" in body and "bb-status--ended_early" in body
    assert "?placement=" in body


def test_a_moved_or_refused_card_is_the_templates_markup(
    client, caseworker_heusden, coordinator, heusden
):
    """After a move with htmx the moved card is focused (autofocus); a refused move says why on
    its card: the Python cards carry both as the template does."""
    from django.template.loader import render_to_string

    placement = make_placement(user=coordinator, jobseeker=_person(heusden, "Ahmed", "Bakker"))
    DevelopmentPlacement.objects.filter(pk=placement.pk).update(no_displacement_confirmed=True)
    refused = make_placement(
        user=coordinator,
        jobseeker=_person(heusden, "Lotte", "Verhoeven"),
        status="agreed",
        insurance_arranged=False,
    )
    client.force_login(caseworker_heusden)
    moved = client.post(move_url(placement, "agree"), HTTP_HX_REQUEST="true")
    refusal = client.post(move_url(refused, "start"), HTTP_HX_REQUEST="true")
    for response, pk in ((moved, placement.pk), (refusal, refused.pk)):
        context = response.context
        card = next(p for column in context["columns"] for p in column["placements"] if p.pk == pk)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card.card_html)
        expected = render_to_string(
            "placements/_board_card.html",
            {
                "placement": card,
                "moved_id": context["moved_id"],
                "board_error": context["board_error"],
                "board_error_id": context["board_error_id"],
                "csrf_token": token.group(1) if token else "",
            },
        )
        assert card.card_html == expected
        assert card.card_html in response.content.decode()
    assert " autofocus>" in moved.content.decode()
    assert 'role="alert">Regel de verzekering' in refusal.content.decode()


def _heading(body: str, stage: str) -> str:
    return re.search(rf'id="pl-col-{stage}-title">(.*?)</h3>', body).group(1)


def test_a_full_column_says_it_holds_more_than_it_shows(
    client, caseworker_heusden, coordinator, heusden, monkeypatch
):
    """A column shows at most BOARD_COLUMN_LIMIT cards; its heading used to give the number
    shown, "(50)", when more were behind it. Now it says "more than 50" and that only the first
    are shown; a column that is not full still gives its exact count."""
    from placements import selectors, views

    monkeypatch.setattr(selectors, "BOARD_COLUMN_LIMIT", 2)
    monkeypatch.setattr(views, "BOARD_COLUMN_LIMIT", 2)
    for name in ("Anna", "Bram", "Cor"):
        make_placement(user=coordinator, jobseeker=_person(heusden, name, "Proposed"))
    for name in ("Dirk", "Els"):
        make_placement(
            user=coordinator, jobseeker=_person(heusden, name, "Agreed"), status="agreed"
        )
    client.force_login(caseworker_heusden)
    body = client.get(reverse("placements:pipeline")).content.decode()
    assert _heading(body, "proposed") == "Voorgesteld (meer dan 2)"
    proposed = column(body, "proposed")
    assert proposed.count('class="bb-card pl-card') == 2
    assert "Alleen de eerste 2 staan hier." in proposed
    assert _heading(body, "agreed") == "Afgesproken (2)"
    assert "Alleen de eerste" not in column(body, "agreed")
    assert _heading(body, "active") == "Lopend (0)"
    # The htmx board after a move says the same.
    body = client.get(reverse("placements:pipeline"), HTTP_HX_REQUEST="true").content.decode()
    assert _heading(body, "proposed") == "Voorgesteld (meer dan 2)"
    body = client.get(reverse("placements:pipeline"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _heading(body, "proposed") == "Proposed (more than 2)"


def test_full_proposal_and_offer_lists_say_they_hold_more(
    client, caseworker_waalwijk, coordinator, waalwijk_person, metal_waalwijk, monkeypatch
):
    from placements import selectors, services, views
    from tests.employers.factories import OpeningFactory

    monkeypatch.setattr(selectors, "BOARD_COLUMN_LIMIT", 2)
    monkeypatch.setattr(views, "BOARD_COLUMN_LIMIT", 2)
    client.force_login(caseworker_waalwijk)
    OpeningFactory(employer=metal_waalwijk, placement=True)
    services.proposal_create(
        jobseeker=waalwijk_person,
        opening=OpeningFactory(employer=metal_waalwijk),
        proposed_by=coordinator,
    )
    body = client.get(reverse("placements:pipeline")).content.decode()
    assert "Wacht op antwoord van de werkgever (1)</h3>" in body
    assert "Alleen de nieuwste" not in body and "Alleen de eerste" not in body
    for _ in range(2):
        services.proposal_create(
            jobseeker=waalwijk_person,
            opening=OpeningFactory(employer=metal_waalwijk),
            proposed_by=coordinator,
        )
    body = client.get(reverse("placements:pipeline")).content.decode()
    assert "Wacht op antwoord van de werkgever (meer dan 2)</h3>" in body
    assert "Werkgever geïnteresseerd (0)</h3>" in body
    assert "Alleen de eerste 2 staan hier." in body
    # Five open offers now (the proposals' openings too): the newest two, and that there are more.
    assert "Alleen de nieuwste 2 staan hier." in body
