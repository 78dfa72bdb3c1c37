"""A pipeline board that moves (issue 11): columns per stage; each card offers only what the
transitions table (placements/transitions.py) allows the user; a move is a plain POST form that
htmx enhances (the card lands in its new column), and without JavaScript it comes back to the
board. Before issue 11 the board was read-only: these tests failed.
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
    assert move_url(proposed, "confirm_no_displacement") in card
    assert move_url(proposed, "end_early") in card
    assert move_url(proposed, "agree") not in card
    assert "geen reguliere baan verdringt" in card
    assert move_url(proposed, "start") not in card


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
    response = client.post(
        move_url(placement, "end_early"), {f"end_early-{placement.pk}-reason": "Verhuisd"}
    )
    assert response.status_code == 400
    card = column(response.content.decode(), "active")
    assert "Verhuisd" in card
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
