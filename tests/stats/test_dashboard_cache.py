"""The dashboard's figures are rendered once per roll-up run and selection (stats.views), and
its area choice is written out without a template per option (baanbrekers.widgets.LongSelect): the
page stays the same, and new figures show as soon as a roll-up ran."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stats import services
from stats.forms import DashboardFilterForm

from .conftest import AS_OF

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2024-01", "end": "2026-06"}


@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        ("", None),
        ("GM0797", {"id": "id_area"}),
        ("region", {"id": "x", "aria-invalid": "true", "required": True, "disabled": False}),
    ],
)
def test_area_select_writes_what_django_templates_write(value, attrs):
    choices = [
        ("region", "Regio (alle gemeenten)"),
        ("GM0797", "Heusden"),
        ("GM0796", "'s-Hertogenbosch <&>"),
        ("Groep", [("GM0867", "Waalwijk"), ("GM0809", "Loon op Zand")]),
    ]
    ours = (
        DashboardFilterForm.base_fields["area"]
        .widget.__class__(choices=choices)
        .render("area", value, attrs)
    )
    django = forms.Select(choices=choices).render("area", value, attrs)
    assert ours == django


def figures(response) -> bytes:
    return response.content.split(b'aria-labelledby="headlines"')[1].split(b"legend")[0]


def test_the_figures_are_rendered_once_per_roll_up_run(client, alderman, generated):
    services.figures_rebuild(as_of=AS_OF)
    client.force_login(alderman)
    url = reverse("dashboard:index")
    first = client.get(url, PERIOD)
    with CaptureQueriesContext(connection) as again:
        second = client.get(url, PERIOD)
    assert second.status_code == 200
    assert figures(first) == figures(second)
    assert not any("stats_dailyfigures" in q["sql"] for q in again.captured_queries)

    # The next roll-up run (a new watermark) shows its figures at once.
    services.figures_update(as_of=AS_OF)
    with CaptureQueriesContext(connection) as after:
        third = client.get(url, PERIOD)
    assert third.status_code == 200
    assert any("stats_dailyfigures" in q["sql"] for q in after.captured_queries)
