"""The admin's shared rules: rows by the models' visible_to, read-only where writes have side
effects, and API tokens only for oneself."""

import pytest
from django.contrib import admin

from baanbrekers.api.models import ApiToken
from tests.baanbrekers.factories import api_token

pytestmark = pytest.mark.django_db

TOKENS = "/admin/api/apitoken/"


def test_nobody_mints_an_api_token_in_the_admin(client, coordinator, caseworker_heusden):
    """Issue 13: a coordinator could make a token for any user in the admin (DRF's token admin),
    i.e. act as them in the API. Tokens are made on the token page only, for oneself."""
    client.force_login(coordinator)
    assert client.get(f"{TOKENS}add/").status_code == 403
    client.post(f"{TOKENS}add/", {"user": caseworker_heusden.pk, "name": "x"})
    assert not ApiToken.objects.exists()


def test_the_token_admin_shows_no_one_elses_token(client, coordinator, caseworker_heusden):
    api_token(caseworker_heusden, name="Karins export")
    theirs = ApiToken.objects.get()
    mine_secret = api_token(coordinator, name="Cors script")
    client.force_login(coordinator)
    listing = client.get(TOKENS)
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Cors script" in page and "Karins export" not in page
    assert mine_secret not in page  # only the digest is stored; the secret is never shown again
    assert client.get(f"{TOKENS}{theirs.pk}/change/").status_code == 302  # "does not exist"
    client.post(f"{TOKENS}{theirs.pk}/delete/", {"post": "yes"})
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_admin_rows_are_the_models_visible_to(
    rf, caseworker_heusden, bakery_heusden, metal_waalwijk
):
    """Only coordinators reach the admin today (they see everything), but the rows come from the
    same rule as the pages: a caseworker would see their own municipality's employers."""
    from employers.models import Employer
    from tests.visits.factories import VisitFactory
    from visits.models import VisitReport

    request = rf.get("/")
    request.user = caseworker_heusden
    employer_admin = admin.site._registry[Employer]
    assert list(employer_admin.get_queryset(request)) == [bakery_heusden]

    ours = VisitFactory(employer=bakery_heusden)
    theirs = VisitFactory(employer=metal_waalwijk)
    for visit in (ours, theirs):
        VisitReport.objects.create(visit=visit, learnt="Goed bezoek.")
    report_admin = admin.site._registry[VisitReport]
    assert [r.visit for r in report_admin.get_queryset(request)] == [ours]


@pytest.mark.parametrize(
    "model_path",
    [
        "employers.Employer",
        "employers.Opening",
        "employers.ContactMoment",
        "employers.Referral",
        "jobseekers.JobSeekerNote",
        "visits.Visit",
        "placements.Proposal",
        "placements.DevelopmentPlacement",
        "placements.JobOutcome",
        "placements.BuddyPairing",
        "baanbrekers.FollowUp",
    ],
)
def test_models_with_side_effects_are_read_only_in_the_admin(rf, coordinator, model_path):
    from django.apps import apps

    request = rf.get("/")
    request.user = coordinator
    model_admin = admin.site._registry[apps.get_model(model_path)]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
